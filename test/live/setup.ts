import type { Redactor } from './redact';
import type { Target, VendorRun } from './record';

/** The input photo of the task: its bytes and size, and a public URL where PiAPI can fetch it. */
export interface InputImage {
	bytes: Buffer;
	width: number;
	height: number;
	format: string;
	url?: string;
	/** Where it came from, for the report. */
	source: string;
}

/** How one vendor's checks run: against the real service or a fake, and how patiently. */
export interface VendorSetup {
	target: Target;
	apiKey: string;
	baseUrl: string;
	/** PiAPI's upload host. */
	uploadBaseUrl?: string;
	/** The photo the tasks segment; absent when no task can be made (PiAPI without LIVE_IMAGE_URL). */
	image?: InputImage;
	/** A small photo to upload (the upload check). */
	uploadImage: InputImage;
	prompt: string;
	/** Gap between two status checks of the task (after the deliberate early one). */
	pollGapMs: number;
	/** Gap of the deliberate early check after the first. */
	earlyCheckGapMs: number;
	maxWaitMs: number;
	overCapacity: boolean;
	/** Most tasks the over-capacity check may create (PiAPI charges each). */
	maxExtraTasks: number;
	redactor: Redactor;
}

export type VendorCheck = (run: VendorRun, setup: VendorSetup) => Promise<void>;

/** A key that is certainly wrong, of the same look as a real one. */
export function wrongKey(prefix: string) {
	return `${prefix}${'0'.repeat(8)}live-check-wrong-key`;
}
