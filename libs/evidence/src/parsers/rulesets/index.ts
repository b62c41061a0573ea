import type { Ruleset } from '@netmortem/domain';
import type { TextArtifactParser } from '../text-artifact-parser.js';
import { iptablesSaveParser as iptablesSave } from './iptables-save.parser.js';
import { nftRulesetParser as nftRuleset } from './nft-ruleset.parser.js';

/** kind `iptables-save` (also `iptables -S` rule specs) */
export const iptablesSaveParser: TextArtifactParser<Ruleset> = iptablesSave;
/** kind `nft-ruleset` (text and `nft -j` JSON) */
export const nftRulesetParser: TextArtifactParser<Ruleset> = nftRuleset;
