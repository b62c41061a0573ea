export * from './kit/index.js';
export {
  LAB_TOOLS,
  LabRunError,
  findLab,
  labPrerequisitesMissing,
  listLabs,
  runLab,
  type LabRunResult,
  type RunLabOptions,
} from './run-lab.js';
export { LAB_DEFINITIONS } from './labs/index.js';
