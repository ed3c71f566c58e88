// An operator command that cannot do what was asked: a message for a human, and an exit code.

/** 1: the check found violations; 2: bad usage; 3: the platform refused or could not be reached. */
export const exitCodes = { violations: 1, usage: 2, unavailable: 3 } as const;

export class OperationsError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = exitCodes.unavailable,
  ) {
    super(message);
    this.name = 'OperationsError';
  }
}

export class UsageError extends OperationsError {
  constructor(message: string) {
    super(message, exitCodes.usage);
    this.name = 'UsageError';
  }
}
