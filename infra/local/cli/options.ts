// Exit codes and the checks on option values that make a command line wrong (exit 2) before any request.
import { InvalidArgumentError, type Command } from 'commander';

export const EXIT_OK = 0;
export const EXIT_API_ERROR = 1;
export const EXIT_USAGE = 2;
/** What a shell reports for a command ended by SIGINT. */
export const EXIT_INTERRUPTED = 130;

/** Stops the command with a usage message (exit 2); commander prints it and the help hint. */
export function usageError(command: Command, message: string): never {
  command.error(message, { exitCode: EXIT_USAGE, code: 'complaints.usage' });
}

/** A whole number in [min, max]; anything else names the option in commander's error. */
export function wholeNumber(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || parsed < min || parsed > max) {
      throw new InvalidArgumentError(
        max === Number.MAX_SAFE_INTEGER ? `must be a whole number from ${min}` : `must be ${min}..${max}`,
      );
    }
    return parsed;
  };
}

/** An amount in yuan; whether it has too many decimals is the API's call. */
export function yuanAmount(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed < 0) {
    throw new InvalidArgumentError('must be an amount in yuan, like 12.50');
  }
  return parsed;
}

/** yes or no (also true/false, 1/0), for the outcome flags of `act … follow-up`. */
export function yesNo(value: string): boolean {
  const v = value.trim().toLowerCase();
  if (['yes', 'true', '1', 'y'].includes(v)) return true;
  if (['no', 'false', '0', 'n'].includes(v)) return false;
  throw new InvalidArgumentError('must be yes or no');
}
