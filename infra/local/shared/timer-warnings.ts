// aws-local-stepfunctions sleeps `timestamp - now` in a Wait state; when the timestamp has just passed
// (a wait resumed late, a backoff already over) that is negative, which Node clamps to 1 ms, as wanted,
// and reports as a TimeoutNegativeWarning each time. Those lines say nothing to whoever runs the stack.

/** Prints every process warning as Node would, except TimeoutNegativeWarning. */
export function muteNegativeTimerWarnings(): void {
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (warning.name !== 'TimeoutNegativeWarning') console.warn(warning);
  });
}
