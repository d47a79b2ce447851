/** Renderers: one notification, three sinks (Slack webhook, e-mail/terminal text, AWS Chatbot). */
export { CHATBOT_LIMITS, type ChatbotNotification, renderChatbot } from './chatbot';
export { describeNotification, type Fact, type MessageContent } from './content';
export {
  breakBroadcastMentions,
  defangUrls,
  ELLIPSIS,
  escapePlainText,
  escapeSlackCode,
  escapeSlackText,
  escapeWithin,
  type NewlineMode,
  slackCodeBlock,
  stripControl,
  truncate,
} from './escape';
export { formatCount, formatTime } from './format';
export { joinWithin } from './join-within';
export { renderSlack, SLACK_LIMITS, type SlackMessage } from './slack';
export { renderText, TEXT_VALUE_MAX } from './text';
export { threadId } from './thread-id';
