import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { DefinerRewrite } from '../src/domain/definer-rewrite';

/** Runs `text` through the rewrite cut into pieces of `size` bytes. */
async function rewrite(text: string | Buffer, size: number): Promise<string> {
  const b = Buffer.isBuffer(text) ? text : Buffer.from(text, 'latin1');
  const parts: Buffer[] = [];
  for (let i = 0; i < b.length; i += size) parts.push(b.subarray(i, i + size));
  return (await buffer(Readable.from(parts).pipe(new DefinerRewrite()))).toString('latin1');
}

const DUMP = [
  '/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;',
  'CREATE TABLE `notes` (`id` int NOT NULL, `body` text) ENGINE=InnoDB;',
  "INSERT INTO `notes` VALUES (1,'a note that quotes DEFINER=`root`@`localhost` in its text'),(2,'x');",
  '/*!50003 CREATE*/ /*!50017 DEFINER=`ocopea_db1_0a1b2c3d`@`%`*/ /*!50003 TRIGGER upper BEFORE INSERT ON notes FOR EACH ROW SET NEW.body = UPPER(NEW.body) */;;',
  'CREATE DEFINER=`ocopea_db1_0a1b2c3d`@`%` PROCEDURE `count_notes`()',
  'SELECT COUNT(*) FROM notes ;;',
  '/*!50013 DEFINER=`we``ird`@`10.0.0.%` SQL SECURITY DEFINER */',
  '',
].join('\n');

const WANT = DUMP
  .replace('/*!50017 DEFINER=`ocopea_db1_0a1b2c3d`@`%`*/', '/*!50017 DEFINER=CURRENT_USER*/')
  .replace('CREATE DEFINER=`ocopea_db1_0a1b2c3d`@`%` PROCEDURE', 'CREATE DEFINER=CURRENT_USER PROCEDURE')
  .replace('/*!50013 DEFINER=`we``ird`@`10.0.0.%` SQL', '/*!50013 DEFINER=CURRENT_USER SQL');

describe('DefinerRewrite', () => {
  it('gives routines, triggers and views to the current user, whatever the chunking, and leaves row data alone', async () => {
    for (const size of [1, 2, 3, 7, 8, 9, 64, 100, 4096]) expect(await rewrite(DUMP, size)).toBe(WANT);
  });

  it('leaves a DEFINER= far into a long line (row data) untouched across chunk boundaries', async () => {
    const long = `INSERT INTO t VALUES ('${'x'.repeat(5000)}DEFINER=\`a\`@\`b\`');\n/*!50017 DEFINER=\`u\`@\`%\`*/\n`;
    for (const size of [5, 1000, 3000, 65536]) {
      expect(await rewrite(long, size)).toBe(long.replace('/*!50017 DEFINER=`u`@`%`*/', '/*!50017 DEFINER=CURRENT_USER*/'));
    }
  });

  it('passes bytes that are not text through unchanged', async () => {
    const bin = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31) % 256));
    expect(Buffer.from(await rewrite(bin, 65536), 'latin1').equals(bin)).toBe(true);
  });
});
