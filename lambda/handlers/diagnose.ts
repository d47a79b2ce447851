// Placeholder so the stack can be synthesised while the handler is written (issue 6); replaced by the real handler.
export const handler = async (): Promise<void> => {
  throw new Error('eks-auth-doctor: the diagnosis handler is not built yet');
};
