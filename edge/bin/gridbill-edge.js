#!/usr/bin/env node
// Entry point: registers the TypeScript loader, then runs the CLI from source.
// The package's tsconfig is named explicitly so JSX and module settings hold from any cwd.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
