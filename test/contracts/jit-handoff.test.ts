import { describe } from 'vitest';

import { MemoryJitHandoff } from '../../src/adapters/memory/memory-jit-handoff.js';
import { jitHandoffContract } from './jit-handoff.contract.js';

// The embedded mode keeps JIT configs in memory only, so there is no SQLite handoff to test.
describe.each([{ name: 'memory', create: () => new MemoryJitHandoff() }])(
  'JitHandoff ($name)',
  ({ create }) => jitHandoffContract(create),
);
