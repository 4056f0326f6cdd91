/**
 * The fixed shape of the demo organisation: regions (volume, languages, time zone, sites),
 * queues (content types, handle times, prevalence of each true policy, machine share),
 * classifiers, and the rules that say what the right action is and which mistakes are plausible.
 * Codes are those of the default taxonomy (src/domain/taxonomy/default-taxonomy.yaml).
 */

export const QUEUE_CODES = [
  'video_review',
  'comment_review',
  'live_review',
  'account_review',
  'appeals_review',
] as const
export type QueueCode = (typeof QUEUE_CODES)[number]

export interface SiteShape {
  code: string
  vendor: boolean
  /** Mean accuracy of the site's moderators; individuals scatter around it. */
  accuracy: number
  /** Share of the region's moderators working at this site. */
  share: number
}

export interface RegionShape {
  code: string
  /** Share of all decisions. */
  share: number
  /** Fixed offset used for the local weekday and hour-of-day shape (no daylight saving). */
  utcOffsetHours: number
  languages: readonly (readonly [string, number])[]
  marketTiers: readonly (readonly [string, number])[]
  /** Relative queue volume in this region (normalised per region). */
  queueMix: Readonly<Record<QueueCode, number>>
  sites: readonly SiteShape[]
}

export const REGIONS: readonly RegionShape[] = [
  {
    code: 'NA',
    share: 0.4,
    utcOffsetHours: -5,
    languages: [
      ['en', 0.85],
      ['es', 0.12],
      ['fr', 0.03],
    ],
    marketTiers: [
      ['tier_1', 0.9],
      ['tier_2', 0.1],
    ],
    queueMix: {
      video_review: 36,
      comment_review: 34,
      live_review: 10,
      account_review: 8,
      appeals_review: 12,
    },
    sites: [
      { code: 'na-austin', vendor: false, accuracy: 0.955, share: 0.4 },
      { code: 'na-vendor-northwind', vendor: true, accuracy: 0.94, share: 0.35 },
      { code: 'na-vendor-harbor', vendor: true, accuracy: 0.93, share: 0.25 },
    ],
  },
  {
    code: 'EU',
    share: 0.25,
    utcOffsetHours: 1,
    languages: [
      ['en', 0.3],
      ['de', 0.2],
      ['fr', 0.2],
      ['es', 0.1],
      ['it', 0.1],
      ['pl', 0.1],
    ],
    marketTiers: [
      ['tier_1', 0.6],
      ['tier_2', 0.4],
    ],
    queueMix: {
      video_review: 34,
      comment_review: 38,
      live_review: 8,
      account_review: 8,
      appeals_review: 12,
    },
    sites: [
      { code: 'eu-dublin', vendor: false, accuracy: 0.955, share: 0.45 },
      { code: 'eu-vendor-lisbon', vendor: true, accuracy: 0.94, share: 0.3 },
      { code: 'eu-vendor-krakow', vendor: true, accuracy: 0.935, share: 0.25 },
    ],
  },
  {
    code: 'LATAM',
    share: 0.15,
    utcOffsetHours: -3,
    languages: [
      ['es', 0.6],
      ['pt-BR', 0.4],
    ],
    marketTiers: [
      ['tier_2', 0.7],
      ['tier_3', 0.3],
    ],
    queueMix: {
      video_review: 36,
      comment_review: 30,
      live_review: 14,
      account_review: 8,
      appeals_review: 12,
    },
    sites: [
      { code: 'latam-vendor-bogota', vendor: true, accuracy: 0.935, share: 0.55 },
      { code: 'latam-vendor-saopaulo', vendor: true, accuracy: 0.925, share: 0.45 },
    ],
  },
  {
    code: 'APAC',
    share: 0.14,
    utcOffsetHours: 8,
    languages: [
      ['en', 0.25],
      ['ja', 0.2],
      ['ko', 0.15],
      ['id', 0.2],
      ['hi', 0.2],
    ],
    marketTiers: [
      ['tier_1', 0.3],
      ['tier_2', 0.4],
      ['tier_3', 0.3],
    ],
    queueMix: {
      video_review: 34,
      comment_review: 38,
      live_review: 10,
      account_review: 8,
      appeals_review: 10,
    },
    sites: [
      { code: 'apac-singapore', vendor: false, accuracy: 0.95, share: 0.35 },
      { code: 'apac-vendor-manila', vendor: true, accuracy: 0.935, share: 0.4 },
      { code: 'apac-vendor-hyderabad', vendor: true, accuracy: 0.915, share: 0.25 },
    ],
  },
  {
    code: 'MENA',
    share: 0.06,
    utcOffsetHours: 3,
    languages: [
      ['ar', 0.8],
      ['fr', 0.1],
      ['en', 0.1],
    ],
    marketTiers: [
      ['tier_2', 0.5],
      ['tier_3', 0.5],
    ],
    queueMix: {
      video_review: 34,
      comment_review: 32,
      live_review: 14,
      account_review: 8,
      appeals_review: 12,
    },
    sites: [
      { code: 'mena-dubai', vendor: false, accuracy: 0.95, share: 0.5 },
      { code: 'mena-vendor-cairo', vendor: true, accuracy: 0.93, share: 0.5 },
    ],
  },
]

export interface QueueShape {
  code: QueueCode
  contentTypes: readonly (readonly [string, number])[]
  handleTimeMedianMs: number
  /** Log-scale standard deviation of the handle time. */
  handleTimeSigma: number
  /** Share of the queue's items decided by a classifier rather than a person. */
  machineShare: number
  /** Classifier lanes serving the queue, with their share of its machine decisions. */
  lanes: readonly (readonly [string, number])[]
  /** Prevalence of each true policy among the queue's items (`none` = no violation). */
  prevalence: readonly (readonly [string, number])[]
}

export const QUEUES: readonly QueueShape[] = [
  {
    code: 'video_review',
    contentTypes: [
      ['video', 0.9],
      ['image', 0.1],
    ],
    handleTimeMedianMs: 45_000,
    handleTimeSigma: 0.6,
    machineShare: 0.22,
    lanes: [
      ['clf-nudity-v5', 0.7],
      ['clf-hate-v3', 0.3],
    ],
    prevalence: [
      ['none', 72],
      ['adult_nudity', 6],
      ['violent_graphic', 4],
      ['dangerous_acts', 3],
      ['hate_speech', 3],
      ['harassment', 2],
      ['misinformation', 3],
      ['ip_infringement', 3],
      ['regulated_goods', 2],
      ['spam', 1],
      ['self_harm', 0.6],
      ['violent_extremism', 0.3],
      ['terrorist_content', 0.2],
      ['child_safety', 0.2],
      ['csam', 0.05],
    ],
  },
  {
    code: 'comment_review',
    contentTypes: [['comment', 1]],
    handleTimeMedianMs: 12_000,
    handleTimeSigma: 0.55,
    machineShare: 0.35,
    lanes: [
      ['clf-hate-v3', 0.6],
      ['clf-spam-v2', 0.4],
    ],
    prevalence: [
      ['none', 70],
      ['hate_speech', 6],
      ['slurs', 3],
      ['harassment', 9],
      ['spam', 8],
      ['misinformation', 2],
      ['self_harm', 0.6],
      ['violent_extremism', 0.3],
      ['regulated_goods', 0.8],
      ['child_safety', 0.2],
    ],
  },
  {
    code: 'live_review',
    contentTypes: [['live', 1]],
    handleTimeMedianMs: 90_000,
    handleTimeSigma: 0.5,
    machineShare: 0.05,
    lanes: [['clf-nudity-v5', 1]],
    prevalence: [
      ['none', 75],
      ['adult_nudity', 6],
      ['dangerous_acts', 5],
      ['violent_graphic', 4],
      ['harassment', 3],
      ['hate_speech', 3],
      ['regulated_goods', 2],
      ['self_harm', 1.5],
      ['violent_extremism', 0.3],
      ['child_safety', 0.2],
    ],
  },
  {
    code: 'account_review',
    contentTypes: [['account', 1]],
    handleTimeMedianMs: 120_000,
    handleTimeSigma: 0.6,
    machineShare: 0,
    lanes: [],
    prevalence: [
      ['none', 60],
      ['spam', 25],
      ['harassment', 5],
      ['ip_infringement', 3],
      ['regulated_goods', 3],
      ['violent_extremism', 2],
      ['child_safety', 2],
    ],
  },
  {
    code: 'appeals_review',
    contentTypes: [
      ['video', 0.5],
      ['comment', 0.35],
      ['image', 0.15],
    ],
    handleTimeMedianMs: 60_000,
    handleTimeSigma: 0.6,
    machineShare: 0,
    lanes: [],
    prevalence: [
      ['none', 55],
      ['hate_speech', 8],
      ['harassment', 8],
      ['adult_nudity', 8],
      ['misinformation', 6],
      ['spam', 6],
      ['violent_graphic', 4],
      ['dangerous_acts', 3],
      ['ip_infringement', 2],
    ],
  },
]

export interface ClassifierShape {
  id: string
  /** Policies it is trained for; the first is what it calls when the right one is outside the list. */
  policies: readonly string[]
  /** Score = logistic(normal(mean, sd)): one mean for items violating its policies, one for the rest. */
  positiveMean: number
  negativeMean: number
  sd: number
  /** Enforces at or above this score. */
  threshold: number
  handleTimeMedianMs: number
}

export const CLASSIFIERS: readonly ClassifierShape[] = [
  {
    id: 'clf-hate-v3',
    policies: ['hate_speech', 'slurs', 'harassment'],
    positiveMean: 1.8,
    negativeMean: -3.0,
    sd: 1.5,
    threshold: 0.65,
    handleTimeMedianMs: 180,
  },
  {
    id: 'clf-nudity-v5',
    policies: ['adult_nudity', 'child_safety', 'csam'],
    positiveMean: 2.4,
    negativeMean: -3.2,
    sd: 1.4,
    threshold: 0.7,
    handleTimeMedianMs: 420,
  },
  {
    id: 'clf-spam-v2',
    policies: ['spam'],
    positiveMean: 2.2,
    negativeMean: -3.2,
    sd: 1.4,
    threshold: 0.6,
    handleTimeMedianMs: 60,
  },
]

/** How hard each true policy is to get right, as a multiplier of a moderator's base error rate. */
export const DIFFICULTY: Readonly<Record<string, number>> = {
  none: 0.8,
  violent_extremism: 1.4,
  terrorist_content: 1.0,
  child_safety: 1.3,
  csam: 0.6,
  self_harm: 1.3,
  hate_speech: 1.6,
  slurs: 1.2,
  harassment: 1.5,
  violent_graphic: 1.1,
  adult_nudity: 0.9,
  dangerous_acts: 1.4,
  misinformation: 1.8,
  regulated_goods: 1.3,
  spam: 0.7,
  ip_infringement: 1.2,
}

/** Policies a moderator plausibly confuses with each other (wrong-policy errors). */
export const CONFUSABLE: Readonly<Record<string, readonly string[]>> = {
  violent_extremism: ['terrorist_content', 'violent_graphic', 'hate_speech'],
  terrorist_content: ['violent_extremism', 'violent_graphic'],
  child_safety: ['csam', 'adult_nudity'],
  csam: ['child_safety', 'adult_nudity'],
  self_harm: ['dangerous_acts', 'violent_graphic'],
  hate_speech: ['slurs', 'harassment'],
  slurs: ['hate_speech', 'harassment'],
  harassment: ['hate_speech', 'slurs'],
  violent_graphic: ['dangerous_acts', 'violent_extremism'],
  adult_nudity: ['child_safety', 'regulated_goods'],
  dangerous_acts: ['self_harm', 'violent_graphic', 'regulated_goods'],
  misinformation: ['spam', 'hate_speech'],
  regulated_goods: ['dangerous_acts', 'spam'],
  spam: ['ip_infringement', 'misinformation'],
  ip_infringement: ['spam'],
}

/** Tier of each policy in the default taxonomy (checked against it in the tests). */
export const POLICY_TIER: Readonly<Record<string, number>> = {
  none: 0,
  violent_extremism: 1,
  terrorist_content: 1,
  child_safety: 1,
  csam: 1,
  self_harm: 1,
  hate_speech: 2,
  slurs: 2,
  harassment: 2,
  violent_graphic: 2,
  adult_nudity: 3,
  dangerous_acts: 2,
  misinformation: 3,
  regulated_goods: 3,
  spam: 4,
  ip_infringement: 4,
}

const ACTION_BY_POLICY: Readonly<Record<string, string>> = {
  violent_graphic: 'label',
  misinformation: 'label',
  dangerous_acts: 'restrict',
  regulated_goods: 'restrict',
}

/** The right action for a true policy in a queue (the enforcement guidelines of the demo). */
export function correctAction(policy: string, queue: QueueCode): string {
  if (policy === 'none') return 'no_action'
  if (queue === 'account_review')
    return (POLICY_TIER[policy] ?? 4) <= 2 || policy === 'spam' ? 'ban_account' : 'restrict'
  return ACTION_BY_POLICY[policy] ?? 'remove'
}

/** Another enforcing action than the right one: the wrong-action error. */
export function otherAction(action: string, queue: QueueCode, random: () => number): string {
  const options = (
    queue === 'account_review' ? ['ban_account', 'restrict'] : ['remove', 'restrict', 'label']
  ).filter((a) => a !== action)
  return options[Math.floor(random() * options.length)] as string
}

/** Hour-of-day volume shape in local time (index = hour), peaking in the evening. */
export const HOUR_SHAPE: readonly number[] = [
  0.55, 0.4, 0.3, 0.25, 0.25, 0.3, 0.45, 0.65, 0.8, 0.9, 0.95, 1.0, 1.05, 1.05, 1.0, 1.0, 1.05,
  1.15, 1.3, 1.45, 1.5, 1.4, 1.1, 0.8,
]

/** Weekend days carry this share of a weekday's volume. */
export const WEEKEND_FACTOR = 0.6

/** Every code the demo writes, to check a store's taxonomy before ingesting. */
export const DEMO_ROOT_CAUSES = [
  'policy_misread',
  'guideline_gap',
  'missing_context',
  'language_gap',
  'fatigue',
  'misclick',
  'model_threshold',
  'new_trend',
] as const
export const DEMO_ACTIONS = ['remove', 'restrict', 'label', 'ban_account', 'no_action'] as const
