#!/usr/bin/env node
import { runClientCli } from './client-cli.js';

process.exitCode = await runClientCli(process.argv.slice(2));
