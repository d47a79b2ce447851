/** Renderers: one notification, three sinks (Slack webhook, e-mail/terminal text, AWS Chatbot). */
export { type ChatbotNotification, renderChatbot } from './chatbot';
export { describeNotification } from './content';
export { stripControl } from './escape';
export { renderSlack, type SlackMessage } from './slack';
export { alertSubject, SUBJECT_MAX } from './subject';
export { renderText } from './text';
