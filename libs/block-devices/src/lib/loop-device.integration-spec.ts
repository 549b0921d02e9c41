import { execFile, spawn } from 'node:child_process';
import { access, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { eventually } from '@seedship/testing';

import { BlockDeviceErrorCode } from './block-device-error';
import { deviceUsage, findSignatures } from './device-usage';
import { checkDriveWritable, openDriveTarget } from './drive-target';
import { createLoopDevice, withLoopDevice } from './loop-device';
import { RawDevice, dropCachedPages } from './raw-device';
import { identifyBlockDevice } from './sysfs-identity';

const run = promisify(execFile);
const MiB = 1024 * 1024;

describe('block devices on real loop devices', () => {
  it('identifies a loop device from sysfs: size, logical sector size, transport, no serial', async () => {
    for (const sectorSize of [512, 4096]) {
      await withLoopDevice({ sizeBytes: 32 * MiB, sectorSize }, async (loop) => {
        const identity = await identifyBlockDevice(loop.path);
        expect(identity).toMatchObject({ name: loop.name, sizeBytes: 32 * MiB, logicalSectorSize: sectorSize, transport: 'loop', serial: undefined, readOnly: false });
        await expect(openDriveTarget(loop.path)).rejects.toThrow('reports no serial number (loop device): pass driveId');
        expect(await openDriveTarget(loop.path, { driveId: 'LOOP 1' })).toMatchObject({ kind: 'block-device', driveId: 'LOOP1', logicalSectorSize: sectorSize });
      });
    }
  });

  it('detaches the loop device and deletes its image even when the work throws', async () => {
    let name = '';
    let image = '';
    await expect(
      withLoopDevice({ sizeBytes: 8 * MiB }, (loop) => {
        name = loop.name;
        image = loop.imagePath;
        return Promise.reject(new Error('the test failed'));
      }),
    ).rejects.toThrow('the test failed');
    const { stdout } = await run('losetup', ['--list', '--noheadings', '--output', 'NAME,BACK-FILE']);
    expect(stdout).not.toContain(image);
    await expect(access(image)).rejects.toThrow();
    expect(name).toMatch(/^loop\d+$/);
  });

  it('tells blank from formatted, and refuses a mounted disk', async () => {
    await withLoopDevice({ sizeBytes: 32 * MiB }, async (loop) => {
      const target = await openDriveTarget(loop.path, { driveId: 'BLANK1' });
      expect(await findSignatures(loop.path)).toEqual([]);
      expect((await checkDriveWritable(target)).problems).toEqual([]);

      await run('mkntfs', ['--fast', '--force', '--quiet', loop.path]);
      expect((await findSignatures(loop.path)).map((signature) => signature.type)).toContain('ntfs');
      expect((await checkDriveWritable(target)).problems).toEqual([expect.stringContaining('is not blank (found ntfs')]);
      expect((await checkDriveWritable(target, { wipeConfirmed: true })).problems).toEqual([]);

      const mountDir = await mkdtemp(path.join(os.tmpdir(), 'mnt-'));
      const ntfs3g = spawn('ntfs-3g', ['-o', 'no_detach', loop.path, mountDir], { stdio: 'ignore' });
      const exited = new Promise((resolve) => ntfs3g.once('close', resolve));
      try {
        await eventually(async () => expect((await deviceUsage(await identifyBlockDevice(loop.path))).mountPoints).toEqual([mountDir]), { timeoutMs: 10_000 });
        const check = await checkDriveWritable(target, { wipeConfirmed: true });
        expect(check.problems).toEqual([`${loop.path} is mounted at ${mountDir}`]);
      } finally {
        await run('umount', [mountDir]);
        await exited;
        await rm(mountDir, { recursive: true, force: true });
      }
    });
  });

  it('does sector-aligned raw I/O, refuses misaligned or out-of-range I/O, and syncs', async () => {
    await withLoopDevice({ sizeBytes: 8 * MiB, sectorSize: 4096 }, async (loop) => {
      const device = await RawDevice.open(loop.path, { sectorSize: 4096, writable: true });
      try {
        expect(device.sizeBytes).toBe(8 * MiB);
        const data = Buffer.alloc(8192, 0xa5);
        await device.write(4096, data);
        await device.sync();
        await dropCachedPages(loop.path);
        expect((await device.read(4096, 8192)).equals(data)).toBe(true);
        await expect(device.write(512, Buffer.alloc(4096))).rejects.toMatchObject({ code: BlockDeviceErrorCode.Unaligned });
        await expect(device.read(0, 1000)).rejects.toMatchObject({ code: BlockDeviceErrorCode.Unaligned });
        await expect(device.read(8 * MiB, 4096)).rejects.toMatchObject({ code: BlockDeviceErrorCode.OutOfRange });
      } finally {
        await device.close();
      }
    });
  });

  it('uses a plain image file as a drive where loop devices are not allowed', async () => {
    const directory = await mkdtemp(path.join(os.tmpdir(), 'image-drive-'));
    try {
      const image = path.join(directory, 'drive.img');
      await writeFile(image, '');
      await truncate(image, 16 * MiB);
      await expect(openDriveTarget(image)).rejects.toThrow('pass driveId');
      const target = await openDriveTarget(image, { driveId: 'IMG-1' });
      expect(target).toEqual({ path: image, kind: 'image-file', sizeBytes: 16 * MiB, logicalSectorSize: 512, driveId: 'IMG-1', identity: undefined });
      expect((await checkDriveWritable(target)).problems).toEqual([]);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('attaches the image it was asked for, with direct I/O when asked', async () => {
    for (const directIo of [false, true]) {
      const loop = await createLoopDevice({ sizeBytes: 4 * MiB, directIo });
      try {
        const { stdout } = await run('losetup', ['--noheadings', '--output', 'BACK-FILE,DIO', loop.path]);
        expect(stdout.trim().split(/\s+/)).toEqual([loop.imagePath, directIo ? '1' : '0']);
      } finally {
        await loop.detach();
      }
    }
  });
});
