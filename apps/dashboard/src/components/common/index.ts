export { CopyButton } from './CopyButton';
export { QueryState } from './QueryState';
