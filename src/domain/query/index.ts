export {
  parseFilter,
  matchesFilter,
  textPrefilter,
  textNeedles,
  FilterSyntaxError,
  FILTER_OPERATORS,
  type Filter,
  type FilterTerm,
  type FilterOperator,
} from './filter';
export {
  parseSelector,
  applySelector,
  SelectorError,
  PROTOTYPE_NAMES,
  type Selector,
  type SelectorParams,
} from './selectors';
export { encodeMarker, decodeMarker, type Page, type PageRequest } from './paging';
export { attributeNames, unknownAttribute } from './attributes';
export { leafText, escapeLeaf, UNSURE } from './leaves';
