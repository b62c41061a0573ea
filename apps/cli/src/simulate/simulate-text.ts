import type { PacketVerdict, ReplayDiff, ReplayRun } from '@netmortem/simulator';

/** Packets shown in the text view; the JSON has all of them. */
const MAX_PACKET_LINES = 400;

/**
 * The replay for a person: what was assumed, the packets whose fate is worth a look (new
 * entries, INVALID, NAT decisions and skips, drops, answers other than plain ACKs), the
 * hidden-state timeline and, for a what-if, its verdict first.
 */
export function simulateText(run: ReplayRun, diff: ReplayDiff | undefined): string {
  const lines: string[] = [];
  const input = run.input;
  if (diff) {
    lines.push(`WHAT-IF  ${diff.overrides.join('; ') || '(no override)'}`);
    for (const sentence of diff.summary) lines.push(`  ${sentence}`);
    if (diff.packets.length > 0) {
      lines.push('', `CHANGED PACKETS ${diff.packets.length}`);
      for (const change of diff.packets.slice(0, 50)) lines.push(`  ${change.sentence}`);
      if (diff.packets.length > 50)
        lines.push(`  … ${diff.packets.length - 50} more (use --format json)`);
    }
    if (diff.timeline.length > 0) {
      lines.push('', 'CHANGED HIDDEN STATE');
      for (const sentence of diff.timeline.slice(0, 50)) lines.push(`  ${sentence}`);
    }
    lines.push('');
  }
  lines.push(
    `REPLAY  ${input.packets} packets from ${input.captures.join(', ')}${input.duplicates > 0 ? ` (${input.duplicates} seen twice)` : ''}`,
    `  kernel profile ${input.kernelProfile} (${input.kernelFrom})`,
    `  local addresses: ${input.localAddressSources.join(', ') || 'none found (everything is forwarded; pass --local)'}`,
    `  rulesets ${input.rulesets}, seed ${input.seed}${input.settingsOverridden.length > 0 ? `, overridden: ${input.settingsOverridden.join(', ')}` : ''}`,
  );

  const counts = new Map<string, number>();
  const notable: PacketVerdict[] = [];
  for (const packet of run.packets()) {
    const key = packet.ctinfo ?? packet.path;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    if (isNotable(packet)) notable.push(packet);
  }
  lines.push(`  ctinfo: ${[...counts].map(([k, n]) => `${k} ${n}`).join(', ')}`);
  lines.push('', `PACKETS worth a look: ${notable.length}`);
  for (const packet of notable.slice(0, MAX_PACKET_LINES)) lines.push(`  ${packetLine(packet)}`);
  if (notable.length > MAX_PACKET_LINES)
    lines.push(`  … ${notable.length - MAX_PACKET_LINES} more (use --format json)`);

  const timeline = run.timeline().filter((e) => e.kind !== 'updated');
  lines.push('', `HIDDEN STATE ${timeline.length} events (state updates are in the JSON)`);
  for (const event of timeline.slice(0, MAX_PACKET_LINES))
    lines.push(`  ${event.time.slice(11, 26)}  ${event.kind.padEnd(16)} ${event.note}`);
  if (timeline.length > MAX_PACKET_LINES)
    lines.push(`  … ${timeline.length - MAX_PACKET_LINES} more (use --format json)`);
  return `${lines.join('\n')}\n`;
}

function isNotable(p: PacketVerdict): boolean {
  if (p.path === 'duplicate') return false;
  if (p.ctinfo !== 'ESTABLISHED') return true;
  if (p.filter.verdict === 'DROP' || p.filter.verdict === 'REJECT') return true;
  if (p.response && p.response.kind !== 'ACK') return true;
  if (p.observedResponse && !p.observedResponse.matches) return true;
  return p.notes !== undefined;
}

function packetLine(p: PacketVerdict): string {
  const parts = [
    `${p.capture}#${p.index}`,
    p.time.slice(11, 26),
    p.summary,
    '|',
    `${p.ctinfo ?? '-'}${p.ctStateBefore || p.ctStateAfter ? ` ${p.ctStateBefore ?? 'NONE'}->${p.ctStateAfter ?? '?'}` : ''}${p.entryId !== null ? ` entry ${p.entryId}` : ''}`,
  ];
  if (p.invalidReason) parts.push(`(${p.invalidReason})`);
  if (p.nat.applied) {
    const to = p.nat.translated ? ` -> ${p.nat.translated.dst}:${p.nat.translated.dstPort}` : '';
    parts.push(`| ${p.nat.kind ?? 'NAT'}${to}${p.nat.guessed ? ' (guessed)' : ''}`);
  } else if (p.nat.skippedBecause) {
    parts.push(`| NAT skipped: ${p.nat.skippedBecause}`);
  }
  parts.push(`| ${p.filter.verdict}${p.filter.chain ? ` in ${p.filter.chain}` : ''}`);
  if (p.delivery)
    parts.push(
      `| ${p.delivery.socket} ${p.delivery.local}${p.delivery.stateAfter ? ` ${p.delivery.stateAfter}` : ''}`,
    );
  if (p.response) parts.push(`| answers ${p.response.kind}`);
  if (p.observedResponse)
    parts.push(
      `(${p.observedResponse.matches ? 'seen' : 'NOT seen'}: packet ${p.observedResponse.index} ${p.observedResponse.flags})`,
    );
  if (p.notes) parts.push(`| ${p.notes.join('; ')}`);
  return parts.join(' ');
}
