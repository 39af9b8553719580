export { readQcow2Header, parseQcow2Header, makeQcow2, NotQcow2Error, type Qcow2Info } from './qcow2';
export {
  imageMetadata,
  parseImageMetadata,
  swImageData,
  sha256File,
  VARIANTS,
  type ImageMetadata,
  type Variant,
} from './metadata';
export { uploadImage, imageHashTag, ImageChecksumError, type GlanceImages } from './upload';
