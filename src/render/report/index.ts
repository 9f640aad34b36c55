/**
 * The self-contained HTML report: build sections of blocks with {@link ReportBuilder} and
 * the block constructors, then write `toHtml()` to one file.
 */
export { ReportBuilder, type ReportOptions, type ReportSection, type SectionHeading } from './report-builder.js';
export {
  bulletList, figureRow, imageGrid, note, numberTable, paragraph,
  type Figure, type GridCell, type ReportBlock, type TextPart,
} from './blocks.js';
export { escapeHtml, slugify } from './escape.js';
