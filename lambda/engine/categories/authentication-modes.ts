/** The EKS cluster authentication modes (`accessConfig.authenticationMode`), as EKS spells them. */
export const AUTHENTICATION_MODES = ['CONFIG_MAP', 'API_AND_CONFIG_MAP', 'API'] as const;
export type AuthenticationMode = (typeof AUTHENTICATION_MODES)[number];
