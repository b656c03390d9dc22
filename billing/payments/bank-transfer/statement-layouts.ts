/**
 * The internet-banking statement exports we read, one layout per bank. Built from the layouts
 * banks' exports are published and shared in (KlikBCA "Informasi Rekening – Mutasi Rekening"
 * CSV; BRI CMS/Qlola "mutasi" CSV; Mandiri MCM/Livin' CSV; BNI Direct/internet banking CSV), as
 * collected from public samples: the banks publish no formal specification, exports differ a
 * little between channels and years, so the header names are matched loosely (case, spaces and
 * dots ignored) and every layout is checked by a fixture (test/fixtures/bank-statements/).
 *
 * - BCA: comma-separated; a preamble (No. rekening, Nama, Periode DD/MM/YYYY - DD/MM/YYYY, Kode Mata
 *   Uang); header `Tanggal Transaksi,Keterangan,Cabang,Jumlah,,Saldo`; cells may start with `'`
 *   (Excel text marker); date `'DD/MM` without a year (taken from Periode); Jumlah "1,500,123.00"
 *   followed by a CR/DB column; `PEND` rows (not yet posted) have no date; a footer of Saldo
 *   Awal / Mutasi Kredit / Mutasi Debet / Saldo Akhir.
 * - BRI: semicolon-separated; header `TGL_TRAN;DESK_TRAN;MUTASI_DEBET;MUTASI_KREDIT;SALDO_AKHIR_MUTASI`
 *   (optionally preceded by NOREK); date YYYY-MM-DD (a time may follow); plain "1500123.00".
 * - Mandiri: semicolon-separated; header `AccountNo;Ccy;PostDate;Remarks;AdditionalDesc;Credit
 *   Amount;Debit Amount;Close Balance`; date DD/MM/YYYY (a time may follow); Indonesian amounts
 *   "1.500.123,00".
 * - BNI: comma-separated; header `Post Date,Value Date,Branch,Journal No.,Description,Amount,Db/Cr,Balance`;
 *   date DD/MM/YYYY (a time may follow); Amount "1.500.123,00" or "1,500,123.00", Db/Cr `C`/`D`.
 */

export type Bank = 'bca' | 'bri' | 'mandiri' | 'bni';
export const BANKS: readonly Bank[] = ['bca', 'bri', 'mandiri', 'bni'];

export interface Layout {
  delimiter: ',' | ';';
  /** Header names (normalised) that identify the header row; all must be present. */
  header: string[];
  date: string;
  /** 'dmy': DD/MM/YYYY; 'ymd': YYYY-MM-DD; 'dm': DD/MM with the year from the preamble's period. */
  dateOrder: 'dmy' | 'ymd' | 'dm';
  /** Description columns, joined with a space. */
  description: string[];
  /** One signed amount column with a marker column (`marker`: a header name, or 'next' = the column after `amount`)… */
  amount?: { column: string; marker: string | 'next' };
  /** …or separate credit and debit columns. */
  credit?: string;
  debit?: string;
  balance: string | null;
}

/** Lower case, without spaces, dots, underscores or slashes: "Journal No." → "journalno". */
export const normaliseHeader = (h: string): string => h.replace(/^'/, '').toLowerCase().replace(/[\s._/]/g, '');

export const LAYOUTS: Readonly<Record<Bank, Layout>> = {
  bca: {
    delimiter: ',', header: ['tanggaltransaksi', 'keterangan', 'jumlah'], date: 'tanggaltransaksi', dateOrder: 'dm',
    description: ['keterangan'], amount: { column: 'jumlah', marker: 'next' }, balance: 'saldo',
  },
  bri: {
    delimiter: ';', header: ['tgltran', 'desktran', 'mutasidebet', 'mutasikredit'], date: 'tgltran', dateOrder: 'ymd',
    description: ['desktran'], credit: 'mutasikredit', debit: 'mutasidebet', balance: 'saldoakhirmutasi',
  },
  mandiri: {
    delimiter: ';', header: ['postdate', 'remarks', 'creditamount', 'debitamount'], date: 'postdate', dateOrder: 'dmy',
    description: ['remarks', 'additionaldesc'], credit: 'creditamount', debit: 'debitamount', balance: 'closebalance',
  },
  bni: {
    delimiter: ',', header: ['postdate', 'description', 'amount', 'dbcr'], date: 'postdate', dateOrder: 'dmy',
    description: ['description'], amount: { column: 'amount', marker: 'dbcr' }, balance: 'balance',
  },
};
