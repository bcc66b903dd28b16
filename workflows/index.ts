// The workflows the worker registers.
export { dunningCase } from './dunning-case.js';
export { customerMailbox } from './customer-mailbox.js';
