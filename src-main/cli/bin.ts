#!/usr/bin/env node
import { tuneV8ForCommand } from '../core/system/v8-tuning.js';

// Before the engine loads: its module loading is what grows V8's young generation (v8-tuning.ts).
tuneV8ForCommand(process.argv);
const { main } = await import('./index.js');

main(process.argv).then((code) => {
  process.exitCode = code;
});
