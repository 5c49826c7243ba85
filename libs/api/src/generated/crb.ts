/**
 * GENERATED FILE: DO NOT EDIT.
 * Source: specs/crb.yaml. Regenerate with `pnpm generate`; `pnpm test` fails when this file drifts from the spec.
 */

export interface paths {
    "/info": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Describe this broker.
         * @description Read by the Site when the broker is registered.
         */
        get: operations["getInfo"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/repositories": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the repositories.
         * @description The default repository comes first, then the others by id. orcs documents 204 for "no repository"; this CRB
         *     never sends it since the default repository always exists, but clients must accept it from other CRBs.
         */
        get: operations["listRepositoryInstances"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/repositories/{repoId}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A repository id. */
                repoId: components["parameters"]["repoId"];
            };
            cookie?: never;
        };
        /**
         * Get a repository's description.
         * @description The description as stored (for the default repository, the one the CRB created).
         */
        get: operations["getRepositoryInfo"];
        /**
         * Replace (or create) a repository's description.
         * @description Replaces the stored description, creating the repository when it does not exist (as the orcs contract says; the orcs reference CRB answered 404 instead). Answers 200 in both cases.
         */
        put: operations["updateRepositoryInfo"];
        /**
         * Create a repository.
         * @description Stores the repository description under `repoId` (the path wins over the body's `id`). All repositories of
         *     this CRB live on the same storage; the description is kept and returned as given.
         */
        post: operations["storeRepositoryInfo"];
        /**
         * Delete an empty repository.
         * @description Deletes the repository description. orcs left the copies of a deleted repository stored but unreachable;
         *     this CRB refuses instead (409) while the repository still holds copies, and always for the default
         *     repository. Answers the deleted `repoId` as a JSON string; clients should not rely on the body.
         */
        delete: operations["deleteRepository"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/repositories/{repoId}/stats": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A repository id. */
                repoId: components["parameters"]["repoId"];
            };
            cookie?: never;
        };
        /**
         * Get a repository's capacity and copy count.
         * @description Capacity figures describe the storage that holds the repository (shared by all repositories of this CRB);
         *     `usedCapacityInBytes` and `numberOfCopiesStored` count this repository's copies whose data has landed.
         *     orcs documents 204 for an unknown repository; this CRB answers 404 (as the orcs reference CRB did), so clients
         *     must treat both as "unknown".
         */
        get: operations["getRepositoryStats"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/repositories/{repoId}/copies/{copyId}/data": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A repository id. */
                repoId: components["parameters"]["repoId"];
                /** @description A copy id (a UUID when the Site chose it). */
                copyId: components["parameters"]["copyId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Store a copy's data.
         * @description The body is the copy's raw bytes, usually chunked and of unknown length. The CRB streams them to storage
         *     while counting them and computing their SHA-256 and CRC-32, and makes them visible only once the whole
         *     stream has arrived: an interrupted or rejected upload leaves nothing behind, so it can simply be retried.
         *
         *     An uploader that knows a digest of the body before sending it passes it as `X-Ocopea-Expected-Sha256` or
         *     `X-Ocopea-Expected-Crc32`; one that computes it while streaming sends the same field as an HTTP/1.1 trailer
         *     (chunked body), announced in the `Trailer` header. Either way the CRB checks it before the copy becomes
         *     visible: a different digest is refused with 400 (reason `digest_mismatch`), a malformed one or a trailer
         *     announced and not sent with 400, and nothing is kept. (Trailers cannot be described in OpenAPI; they take the
         *     same values as the headers below.)
         *
         *     The metadata should have been stored first (`POST /copies/{copyId}`, as the orcs Site does). The orcs
         *     reference CRB failed with 500 without it; this CRB creates it from the path and the optional hint headers
         *     (`copyTimestamp`, `facility`). Once the data has landed the metadata gets `repoId` = this repository,
         *     `protocol` `shpanRest`, `protocolVersion` `1.0`, `copyDataURL` = `{crbUrl}/copies/{copyId}/data`, and
         *     `copyAdditionalInfo` keeps its entries and gains `size`, `sha256` and `crc32`.
         *
         *     Success is **200** with a JSON string (the copy's URL, `{crbUrl}/copies/{copyId}`): the orcs reference CRB
         *     answered 200 and orcs mongo-dsb treats anything else as a failure, although the orcs swagger documents 201.
         *     Clients must accept either.
         */
        post: operations["createCopyInRepo"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/copies": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List copies, a page at a time.
         * @description Every copy whose metadata is stored (whether or not its data has landed), in a stable order: by
         *     `copyTimeStamp`, then by `copyId`. Without `pageSize` the whole list comes back. 204 when the result is empty
         *     (no copy, or a page past the end), as orcs documents.
         */
        get: operations["getCopyInstances"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/copies/{copyId}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A copy id (a UUID when the Site chose it). */
                copyId: components["parameters"]["copyId"];
            };
            cookie?: never;
        };
        /**
         * Get a copy's metadata.
         * @description The metadata as stored, updated when the data landed (see `createCopyInRepo`).
         */
        get: operations["getCopyMetaData"];
        put?: never;
        /**
         * Store a copy's metadata.
         * @description Called by the Site before it asks the DSB for the copy. The path `copyId` wins over the body's. `repoId`
         *     names the repository the data will go to (default repository when absent; 404 when unknown). Answers 201
         *     (the orcs reference CRB answered 200; clients accept any 2xx).
         */
        post: operations["storeCopyMetaData"];
        /**
         * Delete a copy's data and metadata.
         * @description Removes both; 404 when neither exists. Answers the deleted `copyId` as a JSON string; clients should not rely on the body.
         */
        delete: operations["deleteCopy"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/copies/{copyId}/data": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A copy id (a UUID when the Site chose it). */
                copyId: components["parameters"]["copyId"];
            };
            cookie?: never;
        };
        /**
         * Download a copy's data.
         * @description Streams the stored bytes (`application/octet-stream`, whatever the request's `Accept` says). 404 when the copy
         *     is unknown or its data has not landed yet.
         *
         *     Extension (not in orcs): a single `Range: bytes=<first>-[<last>]` (or `bytes=-<suffix>`) answers 206 with
         *     that slice, so an interrupted restore can resume; other or multiple ranges are ignored (full 200). The digest
         *     headers always describe the whole copy.
         */
        get: operations["retrieveCopy"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/grants": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Mint a scoped, short-lived credential for one copy.
         * @description Extension (not in orcs). Answers a token (a JWT signed HS256 with a key only this CRB holds) that allows
         *     exactly one thing until it expires:
         *     - `read`: `GET /copies/{copyId}` and `GET /copies/{copyId}/data` of `copyId`;
         *     - `write`: `POST /copies/{copyId}` (metadata), `GET /copies/{copyId}` and
         *       `POST /repositories/{repoId}/copies/{copyId}/data` of `copyId` in `repoId`;
         *     - `transfer`: what `read` allows, plus `POST /copies/{copyId}/transfer`.
         *     Anything else with it is a 403. The token works as `Authorization: Bearer <token>` and, for brokers that
         *     know nothing of tokens, as a path prefix: `{registered URL}/cap/<token>/copies/...` (the Site passes that
         *     URL as `copyRepoCredentials.url`, so an orcs DSB builds its requests under it unchanged).
         */
        post: operations["createGrant"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/copies/{copyId}/transfer": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A copy id (a UUID when the Site chose it). */
                copyId: components["parameters"]["copyId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Push a copy to another CRB.
         * @description Extension (not in orcs). Copies a stored copy to another CRB, e.g. the CRB of another site, so that it can be
         *     restored there. The bytes stream from this CRB to the target CRB directly, in constant memory; the Site or Hub
         *     only orchestrates. Synchronous: answers when done, so callers need a long timeout.
         *
         *     Using only the target's orcs-compatible API, this CRB
         *     1. picks the target repository: `targetRepoId`, else the first of `GET {targetUrl}/repositories`;
         *     2. `POST {targetUrl}/copies/{targetCopyId}` with its own metadata (`copyId` and `repoId` replaced); a 409
         *        there is tolerated (metadata left by an earlier attempt);
         *     3. `POST {targetUrl}/repositories/{targetRepoId}/copies/{targetCopyId}/data` with the stored bytes and
         *        `X-Ocopea-Expected-Sha256`, and checks the `X-Ocopea-Sha256` the target answers (when present).
         *
         *     409 when the target already holds data for `targetCopyId`; 502 for any other refusal or a network failure
         *     (nothing is left on the target's data side, metadata may remain).
         */
        post: operations["transferCopy"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description Every non-2xx answer. `code` repeats the HTTP status (an integer, as the orcs DSB/CRB error schema has it); `reason` is a stable machine-readable kind (extension). */
        Error: {
            /**
             * Format: int32
             * @example 404
             */
            code: number;
            /** @example service instance 'db1' not found */
            message: string;
            /**
             * @description Extension. bad_request | not_found | conflict | unavailable | payload_too_large | internal | ...
             * @example not_found
             */
            reason?: string;
            /** @description Extension. Correlates with the service logs. */
            requestId?: string;
        };
        /**
         * @description A repository or copy id. It becomes a file or directory name, hence the restricted characters: a letter or
         *     digit, then letters, digits, `_`, `.` or `-`; at most 128 characters (UUIDs and `default-shpan-repo` fit).
         * @example 7c9e6679-7425-40de-944b-e07fc1f90ae7
         */
        resourceId: string;
        /**
         * @description A SHA-256 digest, 64 lower-case hex digits.
         * @example 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
         */
        sha256: string;
        /**
         * @description What this CRB is.
         * @example {
         *       "name": "crb-fs",
         *       "version": "0.1.0",
         *       "build": "0.1.0+3f2a9c1",
         *       "repoType": "file"
         *     }
         */
        Info: {
            /** @description CRB service name. */
            name?: string;
            /** @description CRB version. */
            version?: string;
            /** @description CRB build identifier. */
            build?: string;
            /** @description Kind of storage behind the repositories (`file` for ours). */
            repoType?: string;
        };
        /**
         * @description A reference to a repository.
         * @example {
         *       "repoId": "default",
         *       "repoURL": "http://crb:8080/crb/repositories/default"
         *     }
         */
        RepositoryInstance: {
            /** @example default */
            repoId?: string;
            /**
             * @description `{crbUrl}/repositories/{repoId}`.
             * @example http://crb:8080/crb/repositories/default
             */
            repoURL?: string;
        };
        /**
         * @description A repository's description, stored and returned as given.
         * @example {
         *       "id": "default",
         *       "name": "Default",
         *       "repoSupportedProtocols": [
         *         {
         *           "protocol": "shpanRest",
         *           "version": "1.0",
         *           "endpoint": {
         *             "addr": "http://crb:8080/crb",
         *             "endPointAdditionalInfo": {}
         *           },
         *           "credentials": {
         *             "credentialsAdditionalInfo": {}
         *           }
         *         }
         *       ],
         *       "repoAdditionalInfo": {}
         *     }
         */
        RepositoryInfo: {
            /**
             * @description The repository id (the path's `repoId` wins).
             * @example default
             */
            id?: string;
            /**
             * @description Display name.
             * @example Default
             */
            name?: string | null;
            /** @description Copy protocols of the repository (ours lists `shpanRest` `1.0`). */
            repoSupportedProtocols?: components["schemas"]["supportedProtocol"][] | null;
            /** @description Free string-to-string information. */
            repoAdditionalInfo?: {
                [key: string]: string;
            } | null;
        };
        /**
         * @description A copy protocol of a repository with how to reach it. orcs marks `protocol`, `version`, `endpoint` and
         *     `credentials` required; we always send all four but accept descriptions without the last three.
         */
        supportedProtocol: {
            /** @example shpanRest */
            protocol: string;
            /** @example 1.0 */
            version?: string | null;
            endpoint?: {
                /** @description Address or DNS name (for `shpanRest`, the CRB's registered URL). */
                addr?: string;
                endPointAdditionalInfo?: {
                    [key: string]: string;
                };
            } | null;
            credentials?: {
                user?: string;
                password?: string;
                credentialsAdditionalInfo?: {
                    [key: string]: string;
                };
            } | null;
            copyLocation?: {
                /** @description Where copies are stored (informational). */
                path?: string;
                copyLocationAdditionalInfo?: {
                    [key: string]: string;
                };
            } | null;
        };
        /**
         * @description Capacity of the storage and usage of one repository.
         * @example {
         *       "totalCapacityInBytes": 107374182400,
         *       "usedCapacityInBytes": 73741824,
         *       "availableCapacityInBytes": 53687091200,
         *       "numberOfCopiesStored": 12
         *     }
         */
        RepositoryStats: {
            /**
             * Format: int64
             * @description Size of the storage holding the repository.
             */
            totalCapacityInBytes?: number;
            /**
             * Format: int64
             * @description Bytes of this repository's copies.
             */
            usedCapacityInBytes?: number;
            /**
             * Format: int64
             * @description Free bytes on the storage.
             */
            availableCapacityInBytes?: number;
            /**
             * Format: int32
             * @description This repository's copies whose data landed.
             */
            numberOfCopiesStored?: number;
        };
        /**
         * @description A reference to a copy.
         * @example {
         *       "copyURL": "http://crb:8080/crb/copies/7c9e6679-7425-40de-944b-e07fc1f90ae7",
         *       "copyId": "7c9e6679-7425-40de-944b-e07fc1f90ae7"
         *     }
         */
        CopyInstance: {
            /**
             * @description `{crbUrl}/copies/{copyId}`.
             * @example http://crb:8080/crb/copies/7c9e6679-7425-40de-944b-e07fc1f90ae7
             */
            copyURL?: string;
            /**
             * @description Extension (not in orcs): the copy id.
             * @example 7c9e6679-7425-40de-944b-e07fc1f90ae7
             */
            copyId?: string;
        };
        /**
         * @description The copy's URL, `{crbUrl}/copies/{copyId}` (the orcs reference CRB sent the repository URL).
         * @example http://crb:8080/crb/copies/7c9e6679-7425-40de-944b-e07fc1f90ae7
         */
        CopyURL: string;
        /**
         * @description A copy's metadata (request body of `storeCopyMetaData`, answer of `getCopyMetaData`).
         * @example {
         *       "copyId": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
         *       "repoId": "default",
         *       "copyTimeStamp": "2024-11-14T22:13:20.000Z",
         *       "protocol": "shpanRest",
         *       "protocolVersion": "1.0",
         *       "facility": "shpanCopy",
         *       "copyDataURL": "http://crb:8080/crb/copies/7c9e6679-7425-40de-944b-e07fc1f90ae7/data",
         *       "copyAdditionalInfo": {
         *         "plan": "standard",
         *         "size": "1048576",
         *         "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
         *       }
         *     }
         */
        CopyMetaData: {
            /**
             * @description The copy id (the path's wins).
             * @example 7c9e6679-7425-40de-944b-e07fc1f90ae7
             */
            copyId?: string;
            /**
             * @description The repository holding the data (default repository when absent).
             * @example default
             */
            repoId?: string | null;
            /**
             * @description When the copy was taken. We send RFC 3339 `date-time` as the orcs swagger says; we also accept epoch
             *     milliseconds, which is what the orcs Site sends (Jackson serialises `java.util.Date` as a number).
             * @example 2024-11-14T22:13:20.000Z
             */
            copyTimeStamp?: string | number;
            /**
             * @description Copy protocol (`shpanRest` once the data landed).
             * @example shpanRest
             */
            protocol?: string | null;
            /** @example 1.0 */
            protocolVersion?: string | null;
            /**
             * @description How the copy was taken (e.g. `shpanCopy`, `pg_dump`).
             * @example shpanCopy
             */
            facility?: string | null;
            /**
             * @description Where the data is: `{crbUrl}/copies/{copyId}/data` once it landed (before that, what the client stored).
             * @example http://crb:8080/crb/copies/7c9e6679-7425-40de-944b-e07fc1f90ae7/data
             */
            copyDataURL?: string | null;
            /**
             * @description Free key/value information; the orcs Site stores the data service's settings here. Once the data has
             *     landed the CRB adds `size` (bytes, written as a decimal string as the orcs reference CRB did; readers
             *     accept a number too) and `sha256` (64 lower-case hex digits).
             */
            copyAdditionalInfo?: {
                [key: string]: unknown;
            } | null;
        };
        /**
         * @description Extension (not in orcs): body of `createGrant`.
         * @example {
         *       "access": "write",
         *       "copyId": "1b2c3d4e-0000-4000-8000-000000000001",
         *       "repoId": "default-shpan-repo",
         *       "ttlSeconds": 3600
         *     }
         */
        GrantRequest: {
            /** @enum {string} */
            access: "read" | "write" | "transfer";
            copyId: components["schemas"]["resourceId"];
            /** @description Required for `write`. */
            repoId?: components["schemas"]["resourceId"];
            /** @description Lifetime (default 3600). */
            ttlSeconds?: number;
        };
        /**
         * @description Extension (not in orcs): a scoped credential.
         * @example {
         *       "token": "eyJhbGciOiJIUzI1NiJ9.e30.sig",
         *       "pathPrefix": "/cap/eyJhbGciOiJIUzI1NiJ9.e30.sig",
         *       "expiresAt": 1717003600000
         *     }
         */
        Grant: {
            /** @description The credential (secret). */
            token: string;
            /** @description `/cap/<token>`: append to the registered URL to use the credential without a header. */
            pathPrefix: string;
            /**
             * Format: int64
             * @description Epoch milliseconds.
             */
            expiresAt: number;
        };
        /**
         * @description Extension (not in orcs): where to push a copy (body of `transferCopy`).
         * @example {
         *       "targetUrl": "http://crb-b:8080/crb"
         *     }
         */
        TransferRequest: {
            /**
             * Format: uri
             * @description The registered URL of the target CRB, i.e. including its `/crb` prefix.
             * @example http://crb-b:8080/crb
             */
            targetUrl: string;
            /** @description Target repository; default the first of the target's `GET /repositories` (its default one). */
            targetRepoId?: components["schemas"]["resourceId"];
            /** @description Copy id on the target; default the same id. */
            targetCopyId?: components["schemas"]["resourceId"];
        };
        /**
         * @description Extension (not in orcs): a completed transfer.
         * @example {
         *       "copyId": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
         *       "targetUrl": "http://crb-b:8080/crb",
         *       "targetRepoId": "default",
         *       "targetCopyId": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
         *       "size": 1048576,
         *       "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
         *     }
         */
        TransferResult: {
            /** @description The copy id here. */
            copyId: string;
            targetUrl: string;
            targetRepoId: string;
            targetCopyId: string;
            /**
             * Format: int64
             * @description Bytes transferred.
             */
            size: number;
            sha256: components["schemas"]["sha256"];
        };
    };
    responses: {
        /** @description No credential, or one this service does not know (a bad, expired or revoked token, a JWT of another issuer or audience). Sent with `WWW-Authenticate: Bearer`. Extension (not in orcs). */
        Unauthorized: {
            headers: {
                /** @description Always `Bearer`, with `error="invalid_token"` when a credential was sent but not accepted. */
                "WWW-Authenticate"?: string;
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "code": 401,
                 *       "message": "missing credential: send Authorization: Bearer <token>",
                 *       "reason": "unauthorized"
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The credential is known but its role is below the one this operation declares in `x-ocopea-role`, or it is a scoped copy credential for another copy or operation. Extension (not in orcs). */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "code": 403,
                 *       "message": "this operation needs the role admin; principal 'ci' has viewer",
                 *       "reason": "forbidden"
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The request is malformed or has invalid values (an id with forbidden characters, a body that does not match, a digest mismatch with reason `digest_mismatch`, ...). */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "code": 400,
                 *       "message": "sha256 of the received data is 2c26b4..., expected 9f86d0...",
                 *       "reason": "digest_mismatch"
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The repository or copy does not exist (or the copy's data has not landed). */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "code": 404,
                 *       "message": "copy '7c9e6679-7425-40de-944b-e07fc1f90ae7' not found",
                 *       "reason": "not_found"
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The repository or copy (metadata or data) already exists, or the repository still holds copies. */
        Conflict: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "code": 409,
                 *       "message": "data of copy '7c9e6679-7425-40de-944b-e07fc1f90ae7' already stored",
                 *       "reason": "conflict"
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Extension (not in orcs): the range starts past the end of the copy; `Content-Range: bytes *\/<size>`. */
        RangeNotSatisfiable: {
            headers: {
                /** @description `bytes *\/<size>`. */
                "Content-Range"?: string;
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "code": 416,
                 *       "message": "range bytes=5000000- is past the end (2097152 bytes)",
                 *       "reason": "range_not_satisfiable"
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Extension (not in orcs): the target CRB refused or could not be reached; `message` quotes its status and message (reason `bad_gateway`). */
        BadGateway: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "code": 502,
                 *       "message": "target CRB http://crb-b:8080/crb answered 507: no space left",
                 *       "reason": "bad_gateway"
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Extension (not in orcs): the storage filled up during the upload; nothing was kept (reason `insufficient_storage`). */
        InsufficientStorage: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "code": 507,
                 *       "message": "no space left on device",
                 *       "reason": "insufficient_storage"
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The storage cannot be reached right now; retry later. */
        Unavailable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "code": 503,
                 *       "message": "storage unavailable",
                 *       "reason": "unavailable"
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Unexpected error. */
        Internal: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "code": 500,
                 *       "message": "EIO while reading copy data",
                 *       "reason": "internal"
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
    };
    parameters: {
        /** @description A repository id. */
        repoId: components["schemas"]["resourceId"];
        /** @description A copy id (a UUID when the Site chose it). */
        copyId: components["schemas"]["resourceId"];
    };
    requestBodies: never;
    headers: {
        /** @description Bytes in this response body. */
        "Content-Length": number;
        /** @description Extension (not in orcs): always `bytes`. */
        "Accept-Ranges": "bytes";
        /** @description Extension (not in orcs): SHA-256 of the whole copy, RFC 9530: `sha-256=:<base64>:`. */
        "Repr-Digest": string;
        /** @description Extension (not in orcs): the same SHA-256 as 64 lower-case hex digits. */
        "X-Ocopea-Sha256": string;
        /** @description Extension (not in orcs): CRC-32 (ISO-HDLC) of the whole copy, 8 lower-case hex digits: what a DSB checks its upload or download with, at a fraction of the cost of SHA-256. Absent on copies stored before this CRB computed it. */
        "X-Ocopea-Crc32": string;
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getInfo: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The broker description. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Info"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            default: components["responses"]["Internal"];
        };
    };
    listRepositoryInstances: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The repositories. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example [
                     *       {
                     *         "repoId": "default",
                     *         "repoURL": "http://crb:8080/crb/repositories/default"
                     *       }
                     *     ]
                     */
                    "application/json": components["schemas"]["RepositoryInstance"][];
                };
            };
            /** @description No repository (never sent by this CRB). */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            default: components["responses"]["Internal"];
        };
    };
    getRepositoryInfo: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A repository id. */
                repoId: components["parameters"]["repoId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The repository description. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RepositoryInfo"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Internal"];
        };
    };
    updateRepositoryInfo: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A repository id. */
                repoId: components["parameters"]["repoId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RepositoryInfo"];
            };
        };
        responses: {
            /** @description Stored. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RepositoryInstance"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            default: components["responses"]["Internal"];
        };
    };
    storeRepositoryInfo: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A repository id. */
                repoId: components["parameters"]["repoId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RepositoryInfo"];
            };
        };
        responses: {
            /** @description Created. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RepositoryInstance"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["Conflict"];
            default: components["responses"]["Internal"];
        };
    };
    deleteRepository: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A repository id. */
                repoId: components["parameters"]["repoId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted; the body is the repository id. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /** @example archive */
                    "application/json": string;
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            default: components["responses"]["Internal"];
        };
    };
    getRepositoryStats: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A repository id. */
                repoId: components["parameters"]["repoId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The statistics. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RepositoryStats"];
                };
            };
            /** @description Unknown repository, as orcs documents it (never sent by this CRB, which answers 404). */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Internal"];
        };
    };
    createCopyInRepo: {
        parameters: {
            query?: never;
            header?: {
                /** @description Extension (not in orcs): the SHA-256 of the body, 64 hex digits. When the received bytes have another digest the upload is rejected with 400 (reason `digest_mismatch`) and nothing is stored. */
                "X-Ocopea-Expected-Sha256"?: string;
                /** @description Extension (not in orcs): the CRC-32 (ISO-HDLC, as zlib and gzip compute it) of the body, 8 hex digits. Checked like `X-Ocopea-Expected-Sha256`. */
                "X-Ocopea-Expected-Crc32"?: string;
                /** @description Hint sent by orcs DSBs (the DSB's name). Kept in `copyAdditionalInfo.dsb` when the CRB creates the metadata itself. */
                dsb?: string;
                /** @description Hint sent by orcs DSBs, epoch milliseconds as decimal digits. Used as `copyTimeStamp` when the CRB creates the metadata itself; ignored when unparsable. */
                copyTimestamp?: string;
                /** @description Hint sent by orcs DSBs (e.g. `mongodump`). Used as `facility` when the CRB creates the metadata itself. */
                facility?: string;
            };
            path: {
                /** @description A repository id. */
                repoId: components["parameters"]["repoId"];
                /** @description A copy id (a UUID when the Site chose it). */
                copyId: components["parameters"]["copyId"];
            };
            cookie?: never;
        };
        /** @description The copy's bytes. */
        requestBody: {
            content: {
                "application/octet-stream": string;
            };
        };
        responses: {
            /** @description Stored (what this CRB answers). */
            200: {
                headers: {
                    "Repr-Digest": components["headers"]["Repr-Digest"];
                    "X-Ocopea-Sha256": components["headers"]["X-Ocopea-Sha256"];
                    "X-Ocopea-Crc32": components["headers"]["X-Ocopea-Crc32"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CopyURL"];
                };
            };
            /** @description Stored (what the orcs swagger documents; never sent by this CRB). */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CopyURL"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            507: components["responses"]["InsufficientStorage"];
            default: components["responses"]["Internal"];
        };
    };
    getCopyInstances: {
        parameters: {
            query?: {
                /** @description Only copies of this repository (404 when unknown). Without it, copies of all repositories. */
                repoIdInQuery?: components["schemas"]["resourceId"];
                /** @description Zero-based page index (as the orcs reference CRB); default 0. Ignored without `pageSize`. */
                pageNumber?: number;
                /** @description Copies per page. */
                pageSize?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of copies. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example [
                     *       {
                     *         "copyURL": "http://crb:8080/crb/copies/7c9e6679-7425-40de-944b-e07fc1f90ae7",
                     *         "copyId": "7c9e6679-7425-40de-944b-e07fc1f90ae7"
                     *       }
                     *     ]
                     */
                    "application/json": components["schemas"]["CopyInstance"][];
                };
            };
            /** @description No copy (or a page past the end). */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Internal"];
        };
    };
    getCopyMetaData: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A copy id (a UUID when the Site chose it). */
                copyId: components["parameters"]["copyId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The metadata. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CopyMetaData"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Internal"];
        };
    };
    storeCopyMetaData: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A copy id (a UUID when the Site chose it). */
                copyId: components["parameters"]["copyId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CopyMetaData"];
            };
        };
        responses: {
            /** @description Stored. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CopyInstance"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            default: components["responses"]["Internal"];
        };
    };
    deleteCopy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A copy id (a UUID when the Site chose it). */
                copyId: components["parameters"]["copyId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted; the body is the copy id. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /** @example 7c9e6679-7425-40de-944b-e07fc1f90ae7 */
                    "application/json": string;
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Internal"];
        };
    };
    retrieveCopy: {
        parameters: {
            query?: never;
            header?: {
                /** @description Extension (not in orcs): one byte range, RFC 9110 §14.2. */
                Range?: string;
            };
            path: {
                /** @description A copy id (a UUID when the Site chose it). */
                copyId: components["parameters"]["copyId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The whole copy. */
            200: {
                headers: {
                    "Content-Length": components["headers"]["Content-Length"];
                    "Accept-Ranges": components["headers"]["Accept-Ranges"];
                    "Repr-Digest": components["headers"]["Repr-Digest"];
                    "X-Ocopea-Sha256": components["headers"]["X-Ocopea-Sha256"];
                    "X-Ocopea-Crc32": components["headers"]["X-Ocopea-Crc32"];
                    [name: string]: unknown;
                };
                content: {
                    "application/octet-stream": string;
                };
            };
            /** @description Extension (not in orcs): the requested range. */
            206: {
                headers: {
                    /** @description `bytes <first>-<last>/<size>`. */
                    "Content-Range"?: string;
                    "Content-Length": components["headers"]["Content-Length"];
                    "Accept-Ranges": components["headers"]["Accept-Ranges"];
                    "Repr-Digest": components["headers"]["Repr-Digest"];
                    "X-Ocopea-Sha256": components["headers"]["X-Ocopea-Sha256"];
                    "X-Ocopea-Crc32": components["headers"]["X-Ocopea-Crc32"];
                    [name: string]: unknown;
                };
                content: {
                    "application/octet-stream": string;
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            416: components["responses"]["RangeNotSatisfiable"];
            default: components["responses"]["Internal"];
        };
    };
    createGrant: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["GrantRequest"];
            };
        };
        responses: {
            /** @description The credential. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Grant"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            default: components["responses"]["Internal"];
        };
    };
    transferCopy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A copy id (a UUID when the Site chose it). */
                copyId: components["parameters"]["copyId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TransferRequest"];
            };
        };
        responses: {
            /** @description The target acknowledged the metadata and the whole stream, and the digests matched. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TransferResult"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            502: components["responses"]["BadGateway"];
            default: components["responses"]["Internal"];
        };
    };
}
