export { SmtpNotifier, type SmtpSettings } from './smtp-notifier.js';
export { renderEmail, type RenderedEmail } from './templates.js';
export { formatAmount } from './format.js';
