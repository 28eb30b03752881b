// The engine's errors: ChatError carries a stable code (the ones that cross the wire are listed in
// docs/PROTOCOL.md), and errorMessage() is the one way to turn anything thrown into a sentence.

/** An error a user should read: `message` is the sentence to show, `code` is for programs. */
export class ChatError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ChatError';
  }
}

/** The message of anything thrown: an Error's message, anything else as a string. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
