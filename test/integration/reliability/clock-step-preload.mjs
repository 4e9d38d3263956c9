// Preloaded into a real agent (NODE_OPTIONS=--import) by agent-clock-step.test.ts: the wall clock
// (Date only; timers and performance.now stay real, as with an NTP step) moves by
// CCMON_TEST_CLOCK_STEP_MS each time the process gets SIGUSR2.
const step = Number(process.env.CCMON_TEST_CLOCK_STEP_MS);
if (Number.isFinite(step) && step !== 0) {
  const RealDate = Date;
  let offset = 0;
  function SteppedDate(...args) {
    if (!new.target) return new RealDate(RealDate.now() + offset).toString();
    return args.length > 0 ? new RealDate(...args) : new RealDate(RealDate.now() + offset);
  }
  SteppedDate.prototype = RealDate.prototype;
  SteppedDate.now = () => RealDate.now() + offset;
  SteppedDate.parse = RealDate.parse;
  SteppedDate.UTC = RealDate.UTC;
  globalThis.Date = SteppedDate;
  process.on('SIGUSR2', () => {
    offset += step;
  });
}
