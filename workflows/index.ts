// The workflows the worker registers.
export { dunningCase } from './dunning-case.js';
export { customerMailbox } from './customer-mailbox.js';
export { emailDispatch } from './email-dispatch.js';
