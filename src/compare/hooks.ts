/**
 * Binds `runCompare` to the train pipeline of src/experiments: the same settings precedence as
 * `gnvpro train` (defaults < preset, with the optimizer's own overrides < config file < flags), the
 * same data loading, the same runner (`prepareFromData` + `executeRun`, writing nothing).
 */
import {
  resolveSettings,
  type OptimizerName,
  type PartialSettings,
  type Settings,
} from "../experiments/config.js";
import { getPreset, presetSettings, type Preset } from "../experiments/presets.js";
import { loadPresetData } from "../experiments/datasets.js";
import { loadUserData, type Dataset } from "../experiments/userdata.js";
import { executeRun, prepareFromData } from "../experiments/run.js";
import type { CompareHooks, TrainOutcome } from "./compare.js";

export interface TrainPipelineOptions {
  /** Experiment preset name, or undefined for user data (then `layers` must give y, c, task). */
  experiment?: string;
  /** Setting layers in increasing precedence (config file, then flags). */
  layers: PartialSettings[];
  /** Called after every history row of every run (progress display). */
  onRow?: (optimizer: OptimizerName, workUnits: number) => void;
}

export function trainPipelineHooks(o: TrainPipelineOptions): CompareHooks & { preset: Preset | null } {
  const preset = o.experiment !== undefined ? getPreset(o.experiment) : null;
  return {
    preset,
    settingsFor(optimizer: OptimizerName, extra: PartialSettings): Settings {
      const base: PartialSettings[] = preset !== null ? [presetSettings(preset, optimizer)] : [];
      return resolveSettings(...base, ...o.layers, { ...extra, optimizer });
    },
    async loadData(s: Settings, onProgress?: (done: number, total: number) => void): Promise<Dataset> {
      if (preset !== null) return loadPresetData(preset, s, { onProgress });
      return loadUserData({ y: s.y!, c: s.c!, task: s.task!, split: s.split, seed: s.seed });
    },
    async train(s: Settings, data: Dataset): Promise<TrainOutcome> {
      const prepared = prepareFromData(s, preset, data);
      const r = await executeRun(
        prepared,
        { out: null },
        { onRow: o.onRow ? (row) => o.onRow!(s.optimizer, row.workUnits) : undefined },
      );
      return { summary: r.summary, history: r.history, model: r.model };
    },
  };
}
