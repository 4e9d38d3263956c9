#!/usr/bin/env node
import {
  isAgentCommand,
  isArchiveCommand,
  tuneV8ForAgent,
  tuneV8ForArchiveCommand,
} from '../core/system/v8-tuning.js';

// Before the engine loads: its module loading is what grows V8's young generation (v8-tuning.ts).
if (isAgentCommand(process.argv)) tuneV8ForAgent();
else if (isArchiveCommand(process.argv)) tuneV8ForArchiveCommand();
const { main } = await import('./index.js');

main(process.argv).then((code) => {
  process.exitCode = code;
});
