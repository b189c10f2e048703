export declare const SERVER_SOURCES: string[];
export declare const SERVER_OUT: string;
export declare function serverBuildReason(root: string): string | null;
export declare function buildServer(root: string, outDir?: string): Promise<void>;
