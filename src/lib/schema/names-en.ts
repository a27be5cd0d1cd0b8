/**
 * English names for the Thai values the English pages show: the 77 provinces (the romanisations
 * the e-GP files' own `จังหวัด (Eng)` column uses, Royal Thai General System), and the small sets
 * of project types and statuses. The data keeps the Thai; exports' raw columns stay Thai.
 */

/** Province (Thai) → its English name. */
export const PROVINCES_EN: Readonly<Record<string, string>> = {
  กรุงเทพมหานคร: 'Bangkok',
  กระบี่: 'Krabi',
  กาญจนบุรี: 'Kanchanaburi',
  กาฬสินธุ์: 'Kalasin',
  กำแพงเพชร: 'Kamphaeng Phet',
  ขอนแก่น: 'Khon Kaen',
  จันทบุรี: 'Chanthaburi',
  ฉะเชิงเทรา: 'Chachoengsao',
  ชลบุรี: 'Chon Buri',
  ชัยนาท: 'Chai Nat',
  ชัยภูมิ: 'Chaiyaphum',
  ชุมพร: 'Chumphon',
  เชียงราย: 'Chiang Rai',
  เชียงใหม่: 'Chiang Mai',
  ตรัง: 'Trang',
  ตราด: 'Trat',
  ตาก: 'Tak',
  นครนายก: 'Nakhon Nayok',
  นครปฐม: 'Nakhon Pathom',
  นครพนม: 'Nakhon Phanom',
  นครราชสีมา: 'Nakhon Ratchasima',
  นครศรีธรรมราช: 'Nakhon Si Thammarat',
  นครสวรรค์: 'Nakhon Sawan',
  นนทบุรี: 'Nonthaburi',
  นราธิวาส: 'Narathiwat',
  น่าน: 'Nan',
  บึงกาฬ: 'Bueng Kan',
  บุรีรัมย์: 'Buri Ram',
  ปทุมธานี: 'Pathum Thani',
  ประจวบคีรีขันธ์: 'Prachuap Khiri Khan',
  ปราจีนบุรี: 'Prachin Buri',
  ปัตตานี: 'Pattani',
  พระนครศรีอยุธยา: 'Phra Nakhon Si Ayutthaya',
  พะเยา: 'Phayao',
  พังงา: 'Phangnga',
  พัทลุง: 'Phatthalung',
  พิจิตร: 'Phichit',
  พิษณุโลก: 'Phitsanulok',
  เพชรบุรี: 'Phetchaburi',
  เพชรบูรณ์: 'Phetchabun',
  แพร่: 'Phrae',
  ภูเก็ต: 'Phuket',
  มหาสารคาม: 'Maha Sarakham',
  มุกดาหาร: 'Mukdahan',
  แม่ฮ่องสอน: 'Mae Hong Son',
  ยโสธร: 'Yasothon',
  ยะลา: 'Yala',
  ร้อยเอ็ด: 'Roi Et',
  ระนอง: 'Ranong',
  ระยอง: 'Rayong',
  ราชบุรี: 'Ratchaburi',
  ลพบุรี: 'Lop Buri',
  ลำปาง: 'Lampang',
  ลำพูน: 'Lamphun',
  เลย: 'Loei',
  ศรีสะเกษ: 'Si Sa Ket',
  สกลนคร: 'Sakon Nakhon',
  สงขลา: 'Songkhla',
  สตูล: 'Satun',
  สมุทรปราการ: 'Samut Prakan',
  สมุทรสงคราม: 'Samut Songkhram',
  สมุทรสาคร: 'Samut Sakhon',
  สระแก้ว: 'Sa Kaeo',
  สระบุรี: 'Saraburi',
  สิงห์บุรี: 'Sing Buri',
  สุโขทัย: 'Sukhothai',
  สุพรรณบุรี: 'Suphan Buri',
  สุราษฎร์ธานี: 'Surat Thani',
  สุรินทร์: 'Surin',
  หนองคาย: 'Nong Khai',
  หนองบัวลำภู: 'Nong Bua Lam Phu',
  อ่างทอง: 'Ang Thong',
  อำนาจเจริญ: 'Amnat Charoen',
  อุดรธานี: 'Udon Thani',
  อุตรดิตถ์: 'Uttaradit',
  อุทัยธานี: 'Uthai Thani',
  อุบลราชธานี: 'Ubon Ratchathani',
  ไม่ระบุ: 'Not stated',
};

/** Project type (Thai, as e-GP names it) → English. */
export const TYPES_EN: Readonly<Record<string, string>> = {
  จ้างก่อสร้าง: 'Construction',
  'จ้างทำของ/จ้างเหมาบริการ': 'Works and services',
  จ้างที่ปรึกษา: 'Consulting',
  จ้างออกแบบ: 'Design',
  จ้างควบคุมงาน: 'Construction supervision',
  ซื้อ: 'Purchase',
  เช่า: 'Rental',
};

/** Project and contract status (Thai, as e-GP names it) → English. */
export const STATUSES_EN: Readonly<Record<string, string>> = {
  ระหว่างดำเนินการ: 'In progress',
  สิ้นสุดสัญญา: 'Contract ended',
  จัดทำสัญญา: 'Contract being drawn up',
  ยกเลิกสัญญา: 'Contract cancelled',
  ยกเลิกโครงการ: 'Project cancelled',
  'ส่งงานครบถ้วน/ตรวจรับแล้ว': 'Delivered and accepted',
};

/** A province as the page's language names it (the Thai where no English name is known). */
export function provinceIn(lang: 'th' | 'en', th: string): string {
  return lang === 'en' ? (PROVINCES_EN[th] ?? th) : th;
}
