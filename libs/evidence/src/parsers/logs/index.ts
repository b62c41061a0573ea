import type { LogEvent } from '@netmortem/domain';
import type { TextArtifactParser } from '../text-artifact-parser.js';
import { appLogParser as appLog } from './app-log.parser.js';
import { dmesgParser as dmesg } from './dmesg.parser.js';
import { envoyAccessLogParser as envoyAccess } from './envoy-access-log.parser.js';
import { envoyDebugLogParser as envoyDebug } from './envoy-debug-log.parser.js';
import { straceParser as strace, type SyscallTrace } from './strace.parser.js';

export type { SyscallTrace } from './strace.parser.js';
export type { StraceClock } from './strace-line.js';

/** kind `dmesg` */
export const dmesgParser: TextArtifactParser<LogEvent[]> = dmesg;
/** kind `envoy-access-log` */
export const envoyAccessLogParser: TextArtifactParser<LogEvent[]> = envoyAccess;
/** kind `envoy-debug-log` */
export const envoyDebugLogParser: TextArtifactParser<LogEvent[]> = envoyDebug;
/** kind `strace` */
export const straceParser: TextArtifactParser<SyscallTrace> = strace;
/** kind `app-log` */
export const appLogParser: TextArtifactParser<LogEvent[]> = appLog;
