export declare const STUDIO_SOURCES: string[];
export declare function studioBuildReason(root: string): string | null;
