export declare const STUDIO_SOURCES: string[];
export declare function buildReason(root: string, output: string, sources: string[]): string | null;
export declare function studioBuildReason(root: string): string | null;
