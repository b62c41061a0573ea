import { text } from 'node:stream/consumers';
import { createGunzip } from 'node:zlib';
import { Inject, Injectable } from '@nestjs/common';
import type { ObjectStore } from '@netmortem/storage';
import { OBJECT_STORE } from '../bundle/object-store.provider.js';
import { SimulationItemScanner, type SimulationSection } from './simulation-items.js';
import type { StoredReport } from './stored-documents.js';

/** Return `false` to stop reading the rest of the document. */
export type ItemVisitor = (section: SimulationSection, text: string) => boolean | void;

/** Reports are small and immutable (content-addressed keys): keep the last few parsed. */
const CACHED_REPORTS = 32;

/** Reads the worker's gzip JSON documents from the object store, streaming where they are big. */
@Injectable()
export class StoredDocumentReader {
  private readonly reports = new Map<string, Promise<StoredReport>>();

  constructor(@Inject(OBJECT_STORE) private readonly store: ObjectStore) {}

  /** Visits packet verdicts and timeline events of a stored simulation in document order. */
  async scanSimulation(key: string, visit: ItemVisitor): Promise<void> {
    const source = await this.store.get(key);
    const stream = source.pipe(createGunzip());
    stream.setEncoding('utf8');
    let stopped = false;
    const scanner = new SimulationItemScanner((section, item) => {
      if (!stopped && visit(section, item) === false) stopped = true;
    });
    try {
      for await (const chunk of stream) {
        scanner.push(chunk as string);
        if (stopped) break;
      }
    } finally {
      stream.destroy();
      source.destroy();
    }
  }

  report(key: string): Promise<StoredReport> {
    const cached = this.reports.get(key);
    if (cached) return cached;
    const loading = this.readReport(key);
    this.reports.set(key, loading);
    loading.catch(() => this.reports.delete(key));
    if (this.reports.size > CACHED_REPORTS) {
      this.reports.delete(this.reports.keys().next().value!);
    }
    return loading;
  }

  /** The raw bytes of an artifact, as a stream the caller may stop early. */
  open(key: string): ReturnType<ObjectStore['get']> {
    return this.store.get(key);
  }

  private async readReport(key: string): Promise<StoredReport> {
    return JSON.parse(await text((await this.store.get(key)).pipe(createGunzip()))) as StoredReport;
  }
}
