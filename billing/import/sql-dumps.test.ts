/** mysqldump reading (MySQL quoting, CREATE TABLE columns) and the phpnuxbill and daloRADIUS mappings. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { importBatchFromDaloradius } from './daloradius-dump.js';
import { readMysqlDump } from './mysql-dump.js';
import { importBatchFromPhpnuxbill } from './phpnuxbill-dump.js';

test('mysqldump: columns from CREATE TABLE, multi-row INSERTs, escapes, doubled quotes, NULL, comments and other tables skipped', () => {
  const dump = [
    '-- MySQL dump 10.13',
    '/*!40101 SET NAMES utf8mb4 */;',
    'DROP TABLE IF EXISTS `t`;',
    'CREATE TABLE `t` (',
    '  `id` int NOT NULL,',
    '  `name` varchar(45) NOT NULL DEFAULT \'a;b\',',
    '  `note` text,',
    '  PRIMARY KEY (`id`)',
    ') ENGINE=InnoDB;',
    'LOCK TABLES `t` WRITE;',
    "INSERT INTO `t` VALUES (1,'O\\'Neil; \\\"x\\\"','line\\nbreak'),(2,'it''s',NULL);",
    "INSERT INTO `other` VALUES (9,'z');",
    "INSERT INTO `t` (`id`, `note`, `name`) VALUES (3, 'n', 'back\\\\slash');",
    'UNLOCK TABLES;',
  ].join('\n');
  assert.deepEqual(readMysqlDump(dump, ['t']).get('t'), [
    { id: '1', name: 'O\'Neil; "x"', note: 'line\nbreak' },
    { id: '2', name: "it's", note: null },
    { id: '3', note: 'n', name: 'back\\slash' },
  ]);
});

const PHPNUXBILL = `
CREATE TABLE \`tbl_bandwidth\` (
  \`id\` int(10) UNSIGNED NOT NULL,
  \`name_bw\` varchar(255) NOT NULL,
  \`rate_down\` int(10) UNSIGNED NOT NULL,
  \`rate_down_unit\` enum('Kbps','Mbps') NOT NULL,
  \`rate_up\` int(10) UNSIGNED NOT NULL,
  \`rate_up_unit\` enum('Kbps','Mbps') NOT NULL,
  \`burst\` varchar(128) NOT NULL DEFAULT ''
);
INSERT INTO \`tbl_bandwidth\` VALUES (1,'10M',10,'Mbps',5,'Mbps',''),(2,'1M',1024,'Kbps',512,'Kbps','1M/2M 512k/1M 8/8');
CREATE TABLE \`tbl_plans\` (
  \`id\` int(10) NOT NULL, \`name_plan\` varchar(40) NOT NULL, \`id_bw\` int(10) NOT NULL, \`price\` varchar(40) NOT NULL,
  \`type\` enum('Hotspot','PPPOE','Balance') NOT NULL, \`pool\` varchar(40) DEFAULT NULL
);
`.replace(/, `/g, ',\n  `') + `INSERT INTO \`tbl_plans\` VALUES (1,'Rumah 10M',1,'150000','PPPOE','pool-ppp'),(2,'Voucher 1 Hari',2,'5000','Hotspot',NULL),(3,'Saldo',1,'10000','Balance',NULL);
CREATE TABLE \`tbl_customers\` (
  \`id\` int(10) NOT NULL,
  \`username\` varchar(45) NOT NULL,
  \`password\` varchar(45) NOT NULL,
  \`pppoe_username\` varchar(45) NOT NULL DEFAULT '',
  \`pppoe_password\` varchar(45) NOT NULL DEFAULT '',
  \`pppoe_ip\` varchar(45) NOT NULL DEFAULT '',
  \`fullname\` varchar(45) NOT NULL,
  \`address\` mediumtext,
  \`phonenumber\` varchar(20) DEFAULT '0',
  \`email\` varchar(128) NOT NULL DEFAULT '1',
  \`status\` enum('Active','Banned','Disabled') NOT NULL DEFAULT 'Active'
);
INSERT INTO \`tbl_customers\` VALUES (1,'budi','webpass','budi-ppp','pppPass!','10.9.0.7','Budi Santoso','Jl. Mawar 2','08123','budi@example.com','Active'),
(2,'tamu','h0tspot','','','','Tamu','', '0','1','Active'),(3,'lama','x','','','','Lama',NULL,'0','1','Banned'),(4,'kosong','y','','','','Tanpa Paket',NULL,'0','1','Active');
CREATE TABLE \`tbl_user_recharges\` (
  \`id\` int(10) NOT NULL,
  \`customer_id\` int(10) NOT NULL,
  \`username\` varchar(32) NOT NULL,
  \`plan_id\` int(10) NOT NULL,
  \`namebp\` varchar(40) NOT NULL,
  \`status\` varchar(20) NOT NULL,
  \`type\` varchar(15) NOT NULL
);
INSERT INTO \`tbl_user_recharges\` VALUES (1,1,'budi',2,'old','off','Hotspot'),(5,1,'budi',1,'Rumah 10M','on','PPPOE'),(6,2,'tamu',2,'Voucher 1 Hari','off','Hotspot'),(7,3,'lama',1,'Rumah 10M','on','PPPOE');
`;

test('phpnuxbill: plans with their bandwidth as a RouterOS rate limit, customers on their latest recharge, PPPoE credentials, suspensions', () => {
  const batch = importBatchFromPhpnuxbill(PHPNUXBILL);
  assert.deepEqual(batch.plans.map((p) => [p.name, p.serviceType, p.rateLimit, p.price, p.framedPool]), [
    ['Rumah 10M', 'pppoe', '5M/10M', 150000, 'pool-ppp'],
    ['Voucher 1 Hari', 'hotspot', '512k/1024k 1M/2M 512k/1M 8/8', 5000, null],
  ]);
  assert.deepEqual(batch.subscriptions.map((s) => [s.username, s.password, s.planName, s.serviceType, s.staticIp, s.disabled, s.customerKey]), [
    ['budi-ppp', 'pppPass!', 'Rumah 10M', 'pppoe', '10.9.0.7', false, 'budi'],
    ['tamu', 'h0tspot', 'Voucher 1 Hari', 'hotspot', null, true, 'tamu'],
    ['lama', 'x', 'Rumah 10M', 'pppoe', null, true, 'lama'],
  ]);
  assert.deepEqual(batch.customers.map((c) => [c.key, c.name, c.phone, c.email]), [
    ['budi', 'Budi Santoso', '08123', 'budi@example.com'], ['tamu', 'Tamu', null, null], ['lama', 'Lama', null, null],
  ]);
  assert.deepEqual(batch.refused.map((r) => [r.reason, r.detail]), [['unknown_plan', 'kosong: no recharge']]);
});

test('daloRADIUS: Cleartext-Password, the group of lowest priority as the plan, its Mikrotik-Rate-Limit, userinfo, disabled users', () => {
  const dump = `
CREATE TABLE \`radcheck\` (
  \`id\` int(11) unsigned NOT NULL AUTO_INCREMENT,
  \`username\` varchar(64) NOT NULL DEFAULT '',
  \`attribute\` varchar(64) NOT NULL DEFAULT '',
  \`op\` char(2) NOT NULL DEFAULT '==',
  \`value\` varchar(253) NOT NULL DEFAULT '',
  PRIMARY KEY (\`id\`)
);
INSERT INTO \`radcheck\` VALUES (1,'andi','Cleartext-Password',':=','s3cret'),(2,'andi','Simultaneous-Use',':=','1'),(3,'rina','Cleartext-Password',':=','r1na'),
(4,'rina','Auth-Type',':=','Reject'),(5,'hash','MD5-Password',':=','abc'),(6,'yatim','Cleartext-Password',':=','x');
CREATE TABLE \`radusergroup\` (\`username\` varchar(64) NOT NULL DEFAULT '',
  \`groupname\` varchar(64) NOT NULL DEFAULT '',
  \`priority\` int(11) NOT NULL DEFAULT '1');
INSERT INTO \`radusergroup\` VALUES ('andi','Paket 20M',1),('andi','Lain',5),('rina','Paket 20M',1),('hash','Paket 20M',1);
CREATE TABLE \`radgroupreply\` (\`id\` int(11),
  \`groupname\` varchar(64),
  \`attribute\` varchar(64),
  \`op\` char(2),
  \`value\` varchar(253));
INSERT INTO \`radgroupreply\` VALUES (1,'Paket 20M','Mikrotik-Rate-Limit',':=','10M/20M'),(2,'Paket 20M','Framed-Pool',':=','pool-a');
CREATE TABLE \`radreply\` (\`id\` int(11),
  \`username\` varchar(64),
  \`attribute\` varchar(64),
  \`op\` char(2),
  \`value\` varchar(253));
INSERT INTO \`radreply\` VALUES (1,'andi','Framed-IP-Address','=','10.1.1.5');
CREATE TABLE \`userinfo\` (\`id\` int(8),
  \`username\` varchar(128),
  \`firstname\` varchar(200),
  \`lastname\` varchar(200),
  \`email\` varchar(200),
  \`mobilephone\` varchar(200),
  \`address\` varchar(200),
  \`city\` varchar(200));
INSERT INTO \`userinfo\` VALUES (1,'andi','Andi','Wijaya','andi@example.com','0812','Jl. Kenanga 3','Bogor');
`;
  const batch = importBatchFromDaloradius(dump);
  assert.deepEqual(batch.plans.map((p) => [p.name, p.rateLimit, p.framedPool]), [['Paket 20M', '10M/20M', 'pool-a']], 'a group nobody is on first, with no replies, is no plan');
  assert.deepEqual(batch.subscriptions.map((s) => [s.username, s.password, s.planName, s.staticIp, s.disabled]), [
    ['andi', 's3cret', 'Paket 20M', '10.1.1.5', false], ['rina', 'r1na', 'Paket 20M', null, true],
  ]);
  assert.deepEqual(batch.customers.map((c) => [c.key, c.name, c.phone, c.address]), [['andi', 'Andi Wijaya', '0812', 'Jl. Kenanga 3, Bogor'], ['rina', null, null, null]]);
  assert.deepEqual(batch.refused.map((r) => [r.reason, r.detail]), [['no_password', 'hash'], ['unknown_plan', 'yatim: no group']]);
});

test('a dump that cannot be read is one syntax refusal', () => {
  const batch = importBatchFromDaloradius("CREATE TABLE `radcheck` (\n  `id` int\n);\nINSERT INTO `radcheck` VALUES (1,'open");
  assert.deepEqual(batch.refused.map((r) => r.reason), ['syntax']);
});
