let trainingPhase = false;

/** Sets whether layers run in training mode (dropout active, gradients recorded). Set only around a training step. */
export function setTrainingPhase(on: boolean): void {
  trainingPhase = on;
}

/** Whether a training step is running. */
export function isTrainingPhase(): boolean {
  return trainingPhase;
}
