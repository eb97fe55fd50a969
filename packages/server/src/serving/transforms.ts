import { type TabularEncoder, parseTabularTransform, tabularEncoder } from '@federa/core';
import type { FederaStore, RunFeatures } from '../store/store.js';
import { servingErrors } from './errors.js';

const badRow = (detail: string) => servingErrors.create('FEDERA_ERR_SERVING_BAD_ROW', detail);

/**
 * The tabular transform of each served model, read from its run's frozen feature statistics
 * (`features` sublevel): every version of a run is served with the transform it was trained with.
 * A transform never changes once frozen, so found encoders are kept.
 *
 * @example
 * const encoder = await transforms.encoder('diabetes'); // undefined for a non-tabular model
 */
export class ServedTransforms {
  private readonly encoders = new Map<string, TabularEncoder>();

  constructor(
    private readonly store: FederaStore,
    /** Called once per model when its transform is first found (sets its drift baseline). */
    private readonly onFound: (model: string, features: RunFeatures) => void = () => {},
  ) {}

  async encoder(model: string): Promise<TabularEncoder | undefined> {
    const known = this.encoders.get(model);
    if (known) return known;
    const features = await this.store.getFeatures(model);
    if (!features) return undefined;
    const encoder = tabularEncoder(parseTabularTransform(features.transform, badRow), badRow);
    this.encoders.set(model, encoder);
    this.onFound(model, features);
    return encoder;
  }
}
