/** The seeds folder cannot be read: a user error (exit 2), told without a stack trace. */
export class SeedsError extends Error {}
