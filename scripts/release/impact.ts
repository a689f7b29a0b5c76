// The semver impact of a change, shared by the spec rating (Redocly), the API report rating
// (API Extractor) and the gate that compares them with the pending changesets.

export type Impact = "major" | "minor" | "patch";
/** A rating: the largest impact found, or "none" when nothing changed. */
export type Rating = Impact | "none";

const ORDER: Record<Rating, number> = { none: 0, patch: 1, minor: 2, major: 3 };

export const rank = (rating: Rating): number => ORDER[rating];

export const maxRating = (...ratings: Rating[]): Rating =>
  ratings.reduce<Rating>((a, b) => (ORDER[b] > ORDER[a] ? b : a), "none");

/** One change as a rating names it: what and where, its impact, and why (the rule that decided). */
export interface RatedChange {
  impact: Impact;
  /** Where, for people: `POST /api/v3.1/connected_accounts request body: connection.user_id`. */
  where: string;
  /** What happened, for people. */
  message: string;
  /** The rule that decided the impact: a Redocly diff rule, or one of ours (`client/…`, `api/…`). */
  rule: string;
  /** When one of our rules changed Redocly's impact: Redocly's impact, and why ours differs. */
  adjusted?: { from: Impact | "none"; why: string };
  /**
   * What an addition holds (`GET query parameter labels`, `GET response 200: items[].status`): an
   * addition is one change until it is released, however it grows, so a changeset's record covers
   * each part on its own and what is added to it later still gets its CHANGELOG line.
   */
  parts?: string[];
}

export const ratingOf = (changes: readonly { impact: Impact }[]): Rating =>
  maxRating(...changes.map((c) => c.impact));
