export { startSmtpCapture, type CapturedMessage, type SmtpCapture } from './server.js';
