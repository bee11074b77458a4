// The kata's completion standard: a person has mastered a scenario after three drills in a row
// with a correct first move inside the read window; a miss after that is "slipping" until
// three in a row again.

export const MASTERY_STREAK = 3;

export type MasteryStatus = "learning" | "mastered" | "slipping";

export interface Mastery {
  status: MasteryStatus;
  /** Correct-in-window drills in a row, counting back from the latest. */
  streak: number;
  drills: number;
  /** True when the latest drill is the one that completed the streak. */
  reachedNow: boolean;
}

/** From one person's results on one scenario, oldest first (true = correct inside the window). */
export function masteryOf(results: readonly boolean[]): Mastery {
  let streak = 0;
  let everMastered = false;
  let status: MasteryStatus = "learning";
  let reachedNow = false;
  for (const correct of results) {
    reachedNow = false;
    if (correct) {
      streak++;
      if (streak === MASTERY_STREAK && status !== "mastered") {
        status = "mastered";
        everMastered = true;
        reachedNow = true;
      }
    } else {
      streak = 0;
      if (everMastered) status = "slipping";
    }
  }
  return { status, streak, drills: results.length, reachedNow };
}
