import { brief, type Exchange, type Reply } from './http';
import type { Redactor } from './redact';

export type Verdict = 'holds' | 'differs' | 'not checked';

/** One assumption the nodes make about a vendor, and where the code relies on it. */
export interface Assumption {
	id: string;
	claim: string;
	reliedOn: string[];
}

export interface Finding extends Assumption {
	verdict: Verdict;
	/** What was seen, in a few words. */
	seen: string;
	replies: Exchange[];
}

export type Target = 'real' | 'fake';

export interface VendorReport {
	vendor: string;
	target: Target;
	baseUrl: string;
	date: string;
	/** What ran the check: the package's version, Node.js. */
	checkedWith: Record<string, string>;
	cost: { stated: string; tasksCreated: number; spent: string };
	findings: Finding[];
	notes: string[];
	summary: Record<Verdict, number>;
}

/** Collects a vendor's findings, prints one line per assumption, and lists the unchecked ones at the end. */
export class VendorRun {
	readonly findings: Finding[] = [];
	readonly notes: string[] = [];
	tasksCreated = 0;

	constructor(
		readonly vendor: string,
		readonly target: Target,
		readonly baseUrl: string,
		private readonly catalogue: Assumption[],
		private readonly redactor: Redactor,
		private readonly print: (line: string) => void,
	) {}

	holds(assumption: Assumption, seen: string, replies: Reply[] = []) {
		this.add(assumption, 'holds', seen, replies);
	}

	differs(assumption: Assumption, seen: string, replies: Reply[] = []) {
		this.add(assumption, 'differs', seen, replies);
	}

	/** holds when `ok`, else differs. */
	expect(assumption: Assumption, ok: boolean, seen: string, replies: Reply[] = []) {
		this.add(assumption, ok ? 'holds' : 'differs', seen, replies);
	}

	notChecked(assumption: Assumption, why: string, replies: Reply[] = []) {
		this.add(assumption, 'not checked', why, replies);
	}

	note(text: string) {
		this.notes.push(text);
		this.print(`  note: ${text}`);
	}

	/** Every assumption of the catalogue not met yet is "not checked", with why. */
	finish(why: string) {
		for (const assumption of this.catalogue)
			if (!this.findings.some((finding) => finding.id === assumption.id))
				this.notChecked(assumption, why);
	}

	report(
		cost: VendorReport['cost'],
		date: Date,
		checkedWith: VendorReport['checkedWith'],
	): VendorReport {
		const summary = { holds: 0, differs: 0, 'not checked': 0 };
		for (const finding of this.findings) summary[finding.verdict]++;
		const order = (finding: Finding) => this.catalogue.findIndex((a) => a.id === finding.id);
		return this.redactor.value({
			vendor: this.vendor,
			target: this.target,
			baseUrl: this.baseUrl,
			date: date.toISOString(),
			checkedWith,
			cost,
			findings: [...this.findings].sort((a, b) => order(a) - order(b)),
			notes: this.notes,
			summary,
		});
	}

	private add(assumption: Assumption, verdict: Verdict, seen: string, replies: Reply[]) {
		if (this.findings.some((finding) => finding.id === assumption.id))
			throw new Error(`assumption ${assumption.id} recorded twice`);
		this.findings.push({
			...assumption,
			verdict,
			seen,
			replies: replies.map((reply) => reply.exchange),
		});
		const evidence =
			verdict === 'differs' && replies.length
				? ` | reply: ${brief(replies[replies.length - 1])}`
				: '';
		this.print(`  ${verdict.padEnd(11)} ${assumption.id}: ${seen}${evidence}`);
	}
}
