import { describe, expect, it } from 'vitest'
import { blindItem } from './blind.js'

const decision = {
  contentId: 'c-1',
  contentType: 'video',
  language: 'en',
  region: 'EU',
  queue: 'reports',
  decidedAt: new Date('2026-03-02T10:00:00Z'),
  site: 'vendor-x',
  actorId: 'mod-42',
  policy: 'hate_speech',
  action: 'remove',
  attributes: {
    market: 'de',
    moderator_team: 'red',
    model_score: '0.93',
    note: 'taken down by mod-42',
    tag: 'hate_speech',
    channel: 'vendor-x',
    secret: 'x',
  },
}

describe('blindItem', () => {
  it('keeps the item and withholds everything that reveals the decision', () => {
    const item = blindItem(decision, { hidden_attributes: ['secret'] })
    expect(item).toEqual({
      contentId: 'c-1',
      contentType: 'video',
      language: 'en',
      region: 'EU',
      queue: 'reports',
      decidedAt: '2026-03-02T10:00:00.000Z',
      attributes: { market: 'de' },
    })
    const text = JSON.stringify(item)
    for (const value of ['hate_speech', 'remove', 'mod-42', 'vendor-x', '0.93'])
      expect(text).not.toContain(value)
  })

  it('shows only the allow-listed attributes when a plan lists them', () => {
    expect(blindItem(decision, { visible_attributes: ['market', 'tag'] }).attributes).toEqual({
      market: 'de',
    })
  })
})
