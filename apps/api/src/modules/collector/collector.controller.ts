import { Controller, Get, Header } from '@nestjs/common';
import { readCollectScript } from '@netmortem/collector';
import { Public } from '../../common/auth/public.decorator.js';

/**
 * The collector script, for `curl -fsSL https://netmortem.example/collect.sh | sudo sh -s -- -d 30`
 * on a node without Node.js. Public: it holds no secret and gathers nothing by itself.
 */
@Public()
@Controller()
export class CollectorController {
  private script: Promise<string> | undefined;

  @Get('collect.sh')
  @Header('Content-Type', 'text/x-shellscript; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  collectScript(): Promise<string> {
    this.script ??= readCollectScript();
    return this.script;
  }
}
