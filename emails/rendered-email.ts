import type { z } from 'zod';

/** A rendered e-mail, ready for the mail provider: never an attachment. */
export interface RenderedEmail {
  subject: string;
  html: string;
  /** Plain-text part, written for readers whose client shows no HTML. */
  text: string;
}

/** Raised when the props of an e-mail, letter or call script are invalid; lists each problem with its path. */
export class InvalidDocumentPropsError extends Error {
  constructor(
    readonly document: string,
    readonly problems: string[],
  ) {
    super(`Cannot render the ${document}:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'InvalidDocumentPropsError';
  }
}

/** Parses props with their schema, throwing InvalidDocumentPropsError that names every invalid field. */
export function parseDocumentProps<Schema extends z.ZodType>(schema: Schema, input: unknown, document: string): z.output<Schema> {
  const result = schema.safeParse(input);
  if (result.success) {
    return result.data;
  }

  const problems = result.error.issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.join('.') : '(props)';
    return `${path}: ${issue.message}`;
  });
  throw new InvalidDocumentPropsError(document, problems);
}
