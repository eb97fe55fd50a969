/**
 * Resolve when `done` settles, the wall-clock `deadline` passes, or `signal`
 * aborts — whichever is first — leaving no timer or listener behind.
 */
export async function untilDoneOrDeadline(
  done: Promise<void>,
  deadline: number,
  signal: AbortSignal,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort = () => {};
  const stopped = new Promise<void>((resolve) => {
    onAbort = () => resolve();
    signal.addEventListener('abort', onAbort, { once: true });
  });
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
  });
  await Promise.race([done, timeout, stopped]);
  clearTimeout(timer);
  signal.removeEventListener('abort', onAbort);
}
