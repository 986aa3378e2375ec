/**
 * The store's taxonomy: category codes with their share of all events, and the known brands.
 * Shares are the calibration targets of ../shared/DATA-FACTS.md (top-level shares, `electronics.smartphone`
 * 27.1 %, empty code 31.84 %, top brands by events); the split of a top level into its codes is a
 * plausible guess (the facts do not publish it). Codes follow REES46's dotted 2–4 level hierarchy.
 */

/** Percent of all events per top level; the codes below split it by relative weight. */
export const TOP_LEVEL_SHARES: Record<string, number> = {
  electronics: 38.0,
  appliances: 11.7,
  computers: 5.5,
  apparel: 3.6,
  furniture: 2.9,
  auto: 2.4,
  construction: 1.7,
  kids: 1.2,
  // The facts list eight top levels (98.8 % with empty codes); the remaining 1.2 % goes to five more.
  sport: 0.45,
  accessories: 0.3,
  country_yard: 0.2,
  stationery: 0.15,
  medicine: 0.1,
};

/** Percent of events whose category_id has no category_code. */
export const EMPTY_CODE_SHARE = 31.84;
export const CATEGORY_IDS = 624;

/** Code suffix → relative weight inside its top level. */
export const CODES: Record<string, Record<string, number>> = {
  electronics: {
    smartphone: 2205, 'video.tv': 230, 'audio.headphone': 200, clocks: 170, tablet: 90, 'audio.subwoofer': 40, telephone: 40,
    'camera.photo': 30, 'audio.acoustic': 30, 'camera.video': 15, 'video.projector': 12, 'audio.microphone': 8, 'audio.dictaphone': 6,
    'audio.amplifier': 6, 'audio.music_tools.piano': 6, 'audio.karaoke': 4,
  },
  appliances: {
    'kitchen.washer': 190, 'environment.vacuum': 170, 'kitchen.refrigerators': 160, 'environment.water_heater': 55, 'kitchen.kettle': 50,
    'personal.hair_cutter': 45, iron: 40, 'kitchen.microwave': 40, 'kitchen.blender': 35, 'kitchen.hob': 35, 'kitchen.hood': 30,
    'kitchen.oven': 25, 'environment.air_heater': 25, 'kitchen.coffee_machine': 20, 'kitchen.mixer': 15, 'kitchen.meat_grinder': 15,
    'kitchen.juicer': 10, 'kitchen.toster': 10, 'kitchen.dishwasher': 15, 'environment.air_conditioner': 15, 'environment.fan': 10,
    'environment.climate': 6, sewing_machine: 8, 'personal.massager': 8, 'personal.scales': 8, 'kitchen.grill': 5, 'kitchen.steam_cooker': 4,
    'kitchen.fryer': 4, ironing_board: 4, 'kitchen.coffee_grinder': 3,
  },
  computers: {
    notebook: 300, desktop: 60, 'peripherals.printer': 40, 'peripherals.monitor': 30, 'components.videocards': 25, 'peripherals.mouse': 20,
    'peripherals.keyboard': 12, 'components.cpu': 10, 'components.motherboard': 8, 'components.memory': 8, 'components.hdd': 8,
    'network.router': 10, ebooks: 5, 'components.power_supply': 4, 'components.cooler': 3, 'peripherals.camera': 3,
  },
  apparel: {
    shoes: 120, 'shoes.keds': 50, costume: 30, 'shoes.sandals': 15, 'shoes.slipons': 10, trousers: 15, jeans: 12, shirt: 10, dress: 8,
    jacket: 12, 'shoes.ballet_shoes': 5, 'shoes.step_ins': 5, 'shoes.moccasins': 4, 'shoes.espadrilles': 3, skirt: 4, sock: 3, belt: 3,
    glove: 2, tshirt: 6, underwear: 3, scarf: 2,
  },
  furniture: {
    'living_room.sofa': 80, 'living_room.chair': 35, 'bedroom.bed': 45, 'kitchen.table': 25, 'living_room.cabinet': 25, 'bathroom.bath': 15,
    'bedroom.pillow': 12, 'bedroom.blanket': 10, 'kitchen.chair': 15, 'universal.light': 15, 'bathroom.toilet': 8, 'living_room.shelving': 5,
  },
  auto: {
    'accessories.player': 90, 'accessories.videoregister': 70, 'accessories.alarm': 25, 'accessories.radar': 20, 'accessories.compressor': 15,
    'accessories.parktronic': 10, 'accessories.winch': 5,
  },
  construction: {
    'tools.drill': 60, 'tools.saw': 25, 'tools.welding': 20, 'tools.generator': 15, 'tools.light': 10, 'tools.heater': 10, 'tools.pump': 12,
    'tools.painting': 8, 'components.faucet': 10, 'tools.screw': 5,
  },
  kids: { carriage: 35, toys: 30, skates: 15, swing: 8, dolls: 8, 'fmcg.diapers': 6 },
  sport: { bicycle: 50, trainer: 25, ski: 10, snowboard: 5, tennis: 5 },
  accessories: { bag: 50, wallet: 25, umbrella: 10 },
  country_yard: { lawn_mower: 40, cultivator: 20, furniture: 15 },
  stationery: { cartrige: 1 },
  medicine: { 'tools.tonometer': 1 },
};

/** Known brands with their percent of all events in the real month (DATA-FACTS top four, then plausible). */
export const PHONE_BRANDS: [string, number][] = [
  ['samsung', 0.35],
  ['apple', 0.305],
  ['xiaomi', 0.225],
  ['huawei', 0.085],
  ['oppo', 0.02],
  ['meizu', 0.006],
  ['nokia', 0.004],
  ['honor', 0.003],
  ['vivo', 0.002],
];

/** Percent of all events of the four brands DATA-FACTS names (samsung 5.28 M, apple 4.12 M, … of 42.45 M). */
export const TOP_BRAND_SHARES: Record<string, number> = { samsung: 12.44, apple: 9.71, xiaomi: 7.26, huawei: 2.61 };

/** Brands that play across a top level, most prominent first (their weight falls off by rank). */
export const BRANDS_BY_TOP_LEVEL: Record<string, string[]> = {
  electronics: ['samsung', 'apple', 'xiaomi', 'lg', 'sony', 'oppo', 'huawei', 'jbl', 'philips', 'panasonic', 'artel', 'haier', 'hisense', 'tcl', 'polar', 'canon', 'nikon', 'garmin', 'casio', 'lenovo', 'acer'],
  appliances: ['samsung', 'lg', 'bosch', 'indesit', 'beko', 'artel', 'elenberg', 'philips', 'tefal', 'redmond', 'xiaomi', 'midea', 'haier', 'atlant', 'polaris', 'braun', 'kitfort', 'vitek', 'scarlett', 'electrolux', 'zanussi', 'gorenje', 'ariston', 'candy', 'hotpoint-ariston', 'dyson', 'rowenta', 'moulinex'],
  computers: ['lenovo', 'acer', 'asus', 'hp', 'apple', 'dell', 'msi', 'xiaomi', 'samsung', 'canon', 'epson', 'logitech', 'a4tech', 'gigabyte', 'intel', 'amd', 'kingston', 'tp-link', 'd-link'],
  apparel: ['respect', 'nika', 'baden', 'adidas', 'nike', 'puma', 'reebok', 'tuffoni', 'ecco', 'kapika', 'skechers', 'kari', 'nexx', 'pinio'],
  furniture: ['brw', 'askona', 'ikea', 'sv', 'bestway', 'intex', 'shatura', 'stolline', 'aquaton', 'cersanit', 'roca'],
  auto: ['pioneer', 'alpine', 'prology', 'kenwood', 'starline', 'sho-me', 'neoline', 'cenmax', 'aggressor', 'autoprofi'],
  construction: ['bosch', 'makita', 'dewalt', 'stanley', 'hammer', 'interskol', 'zubr', 'stavr', 'einhell', 'karcher', 'grohe', 'hansgrohe'],
  kids: ['lego', 'chicco', 'tutis', 'cybex', 'peg-perego', 'hasbro', 'mattel', 'barbie', 'nuovita', 'pampers', 'huggies'],
  sport: ['stels', 'forward', 'stern', 'torneo', 'wilson', 'fischer', 'salomon', 'atemi'],
  accessories: ['samsonite', 'delsey', 'tommy', 'wenger', 'hedgren'],
  country_yard: ['husqvarna', 'champion', 'patriot', 'huter', 'daewoo'],
  stationery: ['hp', 'canon', 'epson', 'cactus'],
  medicine: ['omron', 'and', 'microlife', 'beurer'],
  // Products without a category_code: cosmetics, home goods, … — long-tail brands dominate.
  '': ['lucente', 'shiseido', 'oasis', 'maybellene', 'loreal', 'nivea', 'garnier', 'estel', 'kapous', 'concept', 'irisk', 'runail', 'lancome', 'vichy', 'durex', 'gillette', 'tefal', 'luminarc', 'pyrex', 'zepter', 'arena', 'sv', 'casio', 'apple', 'samsung'],
};

/** Brand count at full scale (DATA-FACTS ≈ 3,445); the ones not named above are synthesised. */
export const BRAND_COUNT = 3445;

/** Fraction of events with an empty brand, for phones, other coded categories and empty-code ones. */
export const EMPTY_BRAND = { phone: 0.001, coded: 0.136, uncoded: 0.273 };

const SYLLABLES = ['ka', 'lo', 'ver', 'mi', 'tra', 'no', 'zen', 'bel', 'ar', 'to', 'lux', 'ri', 'sa', 'dor', 'vi', 'ne', 'pro', 'ta', 'mo', 'el', 'fi', 'gra', 'ro', 'sun', 'da', 'ko', 'lin', 'ma', 'tek', 'vo'];

/**
 * Long-tail brand names, lower-case and stable across seeds (derived from the index only), distinct
 * from each other and from `taken`.
 */
export function syntheticBrandNames(count: number, taken: Set<string>): string[] {
  const names: string[] = [];
  const seen = new Set(taken);
  for (let i = 0; names.length < count; i++) {
    let x = i;
    let name = '';
    const parts = 2 + (i % 3 === 0 ? 1 : 0);
    for (let p = 0; p < parts; p++) {
      name += SYLLABLES[(x * 7 + p * 13 + (x >> 3)) % SYLLABLES.length];
      x = Math.floor(x / SYLLABLES.length) + i * (p + 1);
    }
    if (!seen.has(name)) {
      seen.add(name);
      names.push(name);
    }
  }
  return names;
}
