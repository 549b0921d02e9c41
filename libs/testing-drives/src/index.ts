export { buildDriveImage, removeDriveImage, type FixtureBlob, type FixtureDrive } from './lib/drive-image-fixture';
