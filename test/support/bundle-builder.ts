import { gzipSync } from 'node:zlib';
import tarStream from 'tar-stream';

export interface BundleFile {
  readonly path: string;
  readonly content: string | Buffer;
}

/** A .tar.gz made in memory, the shape the collector produces. */
export async function tarGz(files: readonly BundleFile[]): Promise<Buffer> {
  const pack = tarStream.pack();
  for (const file of files) pack.entry({ name: file.path }, Buffer.from(file.content));
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  return gzipSync(Buffer.concat(chunks));
}

/** Small but real samples, so detection has something to recognise. */
export const SAMPLE_FILES: readonly BundleFile[] = [
  {
    path: 'node-a/ss.txt',
    content:
      'State  Recv-Q Send-Q Local Address:Port  Peer Address:Port Process\n' +
      'LISTEN 0      4096         0.0.0.0:15006      0.0.0.0:*\n' +
      'ESTAB  0      0         10.1.2.3:15006     10.1.9.9:51234\n' +
      'FIN-WAIT-2 0  0         10.1.2.3:15006     10.1.9.9:40112\n',
  },
  {
    path: 'node-a/uname.txt',
    content:
      'Linux node-a 6.1.0-27-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.115-1 (2024-11-01) x86_64 GNU/Linux\n',
  },
  {
    path: 'node-a/conntrack.txt',
    content:
      'tcp      6 431999 ESTABLISHED src=10.1.9.9 dst=10.96.0.10 sport=51234 dport=80 src=10.1.2.3 dst=10.1.9.9 sport=15006 dport=51234 [ASSURED] mark=0 use=1\n' +
      'tcp      6 118 SYN_SENT src=10.1.9.9 dst=10.96.0.10 sport=51240 dport=80 [UNREPLIED] src=10.1.2.3 dst=10.1.9.9 sport=15006 dport=51240 mark=0 use=1\n',
  },
];
