import { Module } from '@nestjs/common';

import { AZURE_SIM_CONFIG, type AzureSimConfig } from '../config/azure-sim-config';

import { DatacenterController } from './datacenter.controller';
import { DatacenterService } from './datacenter.service';
import { DriveImporter } from './drive-importer';
import { DRIVE_READER, type DriveReader } from './drive-reader';
import { LibBitLockerUnlocker } from './readers/lib-bitlocker-unlocker';
import { NtfsImageDriveReader } from './readers/ntfs-image-drive-reader';
import { StorageAccounts } from './storage-accounts';

/** The datacenter both ARM APIs ship to. The config and logger come from the global ConfigModule. */
@Module({
  controllers: [DatacenterController],
  providers: [
    DatacenterService,
    DriveImporter,
    {
      provide: DRIVE_READER,
      inject: [AZURE_SIM_CONFIG],
      useFactory: (config: AzureSimConfig): DriveReader =>
        new NtfsImageDriveReader({ acceptUnencrypted: config.AZURE_SIM_ACCEPT_UNENCRYPTED_DRIVES, unlocker: new LibBitLockerUnlocker() }),
    },
    StorageAccounts,
  ],
  exports: [DatacenterService, StorageAccounts],
})
export class DatacenterModule {}
