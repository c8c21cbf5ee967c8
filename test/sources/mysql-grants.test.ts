import { describe, expect, it } from 'vitest';
import { readGrants } from '../../src/adapters/sources/mysql-grants.ts';

describe('reading MySQL/MariaDB grants', () => {
  it('accepts SELECT, EXECUTE and SHOW VIEW, on any level, with column lists', () => {
    expect(readGrants([
      "GRANT USAGE ON *.* TO `monitor`@`%` IDENTIFIED BY PASSWORD '*D8218'",
      'GRANT SELECT, EXECUTE, SHOW VIEW ON `shop`.* TO `monitor`@`%`',
      'GRANT SELECT (`a`, `b`) ON `shop`.`t` TO `monitor`@`%`',
      'SET DEFAULT ROLE `r` FOR `monitor`@`%`',
    ], 'user monitor@%')).toEqual({ refusals: [], roles: [] });
  });

  it('names every other privilege, the grant option, proxies and roles', () => {
    expect(readGrants([
      'GRANT ALL PRIVILEGES ON *.* TO `root`@`127.0.0.1` WITH GRANT OPTION',
      'GRANT SELECT (`a`), INSERT (`b`) ON `shop`.`t` TO `u`@`%`',
      'GRANT LOCK TABLES, FILE ON *.* TO `u`@`%` WITH MAX_QUERIES_PER_HOUR 10',
      "GRANT PROXY ON ''@'%' TO `u`@`%`",
      'GRANT `reporting`, `etl` TO `u`@`%`',
    ], 'user u@%')).toEqual({
      refusals: [
        'user u@% has ALL PRIVILEGES on *.*', 'user u@% may grant its privileges on *.* (WITH GRANT OPTION)', 'user u@% has INSERT on shop.t',
        'user u@% has LOCK TABLES on *.*', 'user u@% has FILE on *.*', "user u@% may act as another account (PROXY ON ''@'%')",
      ],
      roles: ['reporting', 'etl'],
    });
  });
});
