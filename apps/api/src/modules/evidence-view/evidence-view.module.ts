import { Module } from '@nestjs/common';
import { objectStoreProvider } from '../bundle/object-store.provider.js';
import { ArtifactTextResolver, FlowTraceResolver } from './evidence-view.resolver.js';
import { EvidenceViewService } from './evidence-view.service.js';
import { FindingDetailsResolver } from './finding-details.resolver.js';
import { StoredDocumentReader } from './stored-document.reader.js';

/** Read-only views into stored analysis documents and artifacts for the dashboard. */
@Module({
  providers: [
    objectStoreProvider,
    StoredDocumentReader,
    EvidenceViewService,
    FlowTraceResolver,
    ArtifactTextResolver,
    FindingDetailsResolver,
  ],
})
export class EvidenceViewModule {}
