/**
 * GENERATED FILE: DO NOT EDIT.
 * Source: specs/dsb.yaml. Regenerate with `pnpm generate`; `pnpm test` fails when this file drifts from the spec.
 */

export interface paths {
    "/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Describe this broker and its plans.
         * @description Read by the Site when the broker is registered. `plans[].protocols` are the data protocols an application can
         *     bind with; `plans[].copyProtocols` are the copy protocols the broker can stream copies with (always
         *     `shpanRest`/`1.0` for ours; the orcs Site never compares them with the CRB's).
         */
        get: operations["getDSBInfo"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/icon": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get the broker's icon.
         * @description The icon shown for this kind of data service. orcs declared `application/webp`; our brokers serve SVG or PNG,
         *     and answer 204 when they have none.
         */
        get: operations["getDSBIcon"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/service_instances": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the service instances.
         * @description Every instance this broker knows, in any state (an empty array when there is none).
         */
        get: operations["getServiceInstances"];
        put?: never;
        /**
         * Create a service instance, optionally restoring a copy into it.
         * @description Starts creating the instance and answers 200 with its id as soon as the request is accepted; the instance is
         *     then `CREATING` until it is `RUNNING` (or `ERROR`, with `stateMessage`). Callers poll
         *     `GET /service_instances/{instanceId}` (the orcs Site polls every 10 s). With `restoreInfo` the broker pulls
         *     the copy from the CRB (`GET {copyRepoCredentials.url}/copies/{copyId}/data`) and loads it before the instance
         *     becomes `RUNNING`; a failed restore ends in `ERROR`. The broker checks the bytes it loaded against
         *     the `Content-Length` and the digest the CRB announces (`X-Ocopea-Crc32`, `X-Ocopea-Sha256` or `Repr-Digest`),
         *     when present; a mismatch is a failed restore. (orcs mongo-dsb restored before answering; both
         *     behaviours fit the orcs Site, which polls either way.)
         *
         *     `instanceSettings.plan` selects the plan (`GET /` → `plans[].id`); when absent the first plan is used. The
         *     other entries are the plan's `dsbSettings` merged with the application's settings. `namespaces` are the spaces
         *     of the application services that use the instance; a broker may ignore them.
         *
         *     The orcs Site probes `GET /service_instances/{instanceId}` first and only creates on 404, so a 409 means a
         *     retry or a race: the caller should go on polling the existing instance.
         */
        post: operations["createServiceInstance"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/service_instances/{instanceId}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The service instance id (see `createServiceInstance.instanceId` for the allowed characters). */
                instanceId: components["parameters"]["instanceId"];
            };
            cookie?: never;
        };
        /**
         * Get a service instance's state and binding.
         * @description Polled by the Site until `state` is `RUNNING`; then `binding` and `bindingPorts` are handed to the platform
         *     broker (PSB) for the applications that use the instance. 404 means "no such instance" and the orcs Site reads
         *     it as "not created yet", so an unknown or already removed id must answer 404.
         */
        get: operations["getServiceInstance"];
        put?: never;
        post?: never;
        /**
         * Remove a service instance and its data.
         * @description Drops the database / volume. Answers 200 once removal has started; until it is done the instance may still be
         *     listed with state `REMOVING` (a repeated DELETE then answers 200 again), afterwards it answers 404. Copies
         *     already stored in a CRB are not affected.
         */
        delete: operations["deleteServiceInstance"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/service_instances/{instanceId}/copy": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The service instance id (see `createServiceInstance.instanceId` for the allowed characters). */
                instanceId: components["parameters"]["instanceId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Take a copy of a service instance into a CRB.
         * @description Synchronous: dumps the instance and streams the dump, without buffering it, to
         *     `POST {copyRepoCredentials.url}/repositories/{copyRepoCredentials.repoId}/copies/{copyId}/data`
         *     (`application/octet-stream`, chunked), then answers. The caller (the Site) stores the copy's metadata in the
         *     CRB before calling this. The broker sends the CRB the optional hint headers `dsb`, `copyTimestamp` (=
         *     `copyTime`) and `facility`. It digests the bytes while streaming (CRC-32 by default, or SHA-256) and sends
         *     the digest as an HTTP/1.1 trailer, `X-Ocopea-Expected-Crc32` or `X-Ocopea-Expected-Sha256` (announced in
         *     `Trailer`), so that a CRB that checks it refuses a copy that arrived different; when the CRB answers the
         *     same digest (`X-Ocopea-Crc32` / `X-Ocopea-Sha256`) the broker compares it (a mismatch is a 502).
         *
         *     `copyRepoProtocol` must be `shpanRest` (any case) and `copyRepoProtocolVersion` `1.0` (or absent); anything
         *     else is a 400 naming the supported protocol. The instance must be `RUNNING` (409 otherwise).
         *
         *     A 200 always has `status` 0 from our brokers; failures are HTTP errors. Clients of third-party brokers must
         *     still treat a non-null, non-zero `status` as a failed copy (the orcs Site does).
         */
        post: operations["copyServiceInstance"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/service_instances/{instanceId}/reset": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The service instance id (see `createServiceInstance.instanceId` for the allowed characters). */
                instanceId: components["parameters"]["instanceId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Bring an instance back to the copy it was created from (extension).
         * @description Extension (not in orcs; advertised by `capabilities.reset` in the broker's info). Throws away the instance's
         *     data and loads the copy it was created from again — cut from the broker's golden copy when it keeps one
         *     (`capabilities.localClone`), else a full restore from the CRB — keeping its `binding` (endpoint and
         *     credentials) unchanged. Answers 202 at once; the instance is `CREATING` until done, then `RUNNING` (or `ERROR`
         *     with `stateMessage`), as after a create. A broker restarted mid-reset finishes it.
         *
         *     409 when the instance was not created from a copy (`restoreInfo`), is not `RUNNING` or `ERROR` (still
         *     creating, already resetting, being removed) or is being copied; 404 for an unknown instance.
         */
        post: operations["resetServiceInstance"];
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
         * @description A service instance id. It becomes a database or directory name, hence the restricted characters: a letter or
         *     digit, then letters, digits, `_`, `.` or `-`; at most 128 characters. The orcs Site generates the last 50
         *     characters of `{bindName}-{appInstanceId}`.
         * @example orders-db-3f2a9c1e-8d4b-4b7a-9f0e-2c1d5e6f7a8b
         */
        instanceId: string;
        /**
         * @description What the broker is and which plans it offers.
         * @example {
         *       "name": "postgres-dsb",
         *       "type": "postgres",
         *       "description": "PostgreSQL databases on a shared server",
         *       "plans": [
         *         {
         *           "id": "standard",
         *           "name": "Standard",
         *           "description": "One database on the shared server",
         *           "price": "free",
         *           "protocols": [
         *             {
         *               "protocol": "postgres",
         *               "version": "16",
         *               "properties": {}
         *             }
         *           ],
         *           "copyProtocols": [
         *             {
         *               "copyProtocol": "shpanRest",
         *               "copyProtocolVersion": "1.0"
         *             }
         *           ],
         *           "dsbSettings": {}
         *         }
         *       ]
         *     }
         */
        dsbInfo: {
            /**
             * @description The broker's name.
             * @example postgres-dsb
             */
            name?: string;
            /**
             * @description The kind of data service (used to match template dependencies).
             * @example postgres
             */
            type?: string;
            /** @example PostgreSQL databases on a shared server */
            description?: string;
            plans?: components["schemas"]["dsbPlan"][];
            capabilities?: components["schemas"]["dsbCapabilities"];
        };
        /** @description Extension (not in orcs): what this broker can do beyond the orcs contract. Absent from orcs brokers: a Site treats a missing field as false / null. */
        dsbCapabilities: {
            /** @description `POST /service_instances/{instanceId}/reset` is served. */
            reset: boolean;
            /** @description The broker keeps a golden copy of each copy it restored and cuts later instances of the same copy from it locally, after checking with the CRB that the copy still has the digest the golden was built from. Null: every restore downloads the copy. */
            localClone: {
                /**
                 * @description How a clone is cut: `template-file-copy` (PostgreSQL `CREATE DATABASE … TEMPLATE … STRATEGY FILE_COPY`: a file copy, time grows with size), `template-file-copy-clone` (the same with PostgreSQL 18 `file_copy_method = clone` on a reflink filesystem: size-independent), `reflink` (directory copied with reflinks), `copy` (plain file copy).
                 * @example template-file-copy
                 */
                method: string;
                /**
                 * Format: int64
                 * @description Disk the golden copies may take together; least recently used ones are evicted beyond it.
                 */
                budgetBytes: number;
            } | null;
        };
        /** @description A service plan. */
        dsbPlan: {
            /**
             * @description Sent back as `instanceSettings.plan`.
             * @example standard
             */
            id?: string;
            /** @example Standard */
            name?: string;
            description?: string;
            /**
             * @description Free text.
             * @example free
             */
            price?: string;
            /** @description Data protocols an application can use to talk to an instance. */
            protocols?: components["schemas"]["dsbSupportedProtocol"][];
            /** @description Copy protocols this broker can stream copies with. */
            copyProtocols?: components["schemas"]["dsbSupportedCopyProtocol"][];
            /** @description Default instance settings of the plan, merged into `instanceSettings` by the Site. */
            dsbSettings?: {
                [key: string]: string;
            };
        };
        /** @description A data protocol, what a template dependency names to get this broker's instances. Ours are `postgres` (version = the server's major version; binding `host`, `port`, `database`, `username`, `password`, `uri`) from dsb-postgres, and `fs` version `1` (binding `path`, a directory shared with the app services) from dsb-fs. */
        dsbSupportedProtocol: {
            /** @example postgres */
            protocol?: string;
            /** @example 16 */
            version?: string | null;
            properties?: {
                [key: string]: string;
            };
        };
        /** @description A copy protocol. Compare `copyProtocol` case-insensitively (orcs brokers send `shpanRest` and `ShpanRest`, some with a null version). */
        dsbSupportedCopyProtocol: {
            /** @example shpanRest */
            copyProtocol?: string;
            /** @example 1.0 */
            copyProtocolVersion?: string | null;
        };
        /**
         * @description A reference to a service instance.
         * @example {
         *       "instanceId": "orders-db-3f2a9c1e-8d4b-4b7a-9f0e-2c1d5e6f7a8b"
         *     }
         */
        serviceInstance: {
            /** @example orders-db-3f2a9c1e-8d4b-4b7a-9f0e-2c1d5e6f7a8b */
            instanceId: string;
        };
        /**
         * @description A service instance, its state and how to connect to it.
         * @example {
         *       "instanceId": "orders-db-3f2a9c1e-8d4b-4b7a-9f0e-2c1d5e6f7a8b",
         *       "binding": {
         *         "host": "pg.internal",
         *         "port": "5432",
         *         "database": "orders_db_3f2a9c1e",
         *         "username": "orders_db_3f2a9c1e",
         *         "password": "s3cr3t",
         *         "uri": "postgresql://orders_db_3f2a9c1e:s3cr3t@pg.internal:5432/orders_db_3f2a9c1e"
         *       },
         *       "bindingPorts": [
         *         {
         *           "protocol": "tcp",
         *           "destination": "pg.internal",
         *           "port": 5432
         *         }
         *       ],
         *       "storageType": "postgres",
         *       "size": 7340032,
         *       "state": "RUNNING",
         *       "stateMessage": null
         *     }
         */
        serviceInstanceDetails: {
            instanceId: string;
            /**
             * @description Connection details handed to the applications; string values only, non-empty once `RUNNING` (the orcs
             *     Site fails the binding otherwise). Postgres: `host`, `port`, `database`, `username`, `password`, `uri`.
             *     Filesystem volume: `path`.
             */
            binding?: {
                [key: string]: string;
            };
            /** @description Network endpoints of the instance. */
            bindingPorts?: components["schemas"]["bindingPort"][];
            /**
             * @description Free text naming the storage kind.
             * @example postgres
             */
            storageType?: string;
            /**
             * Format: int64
             * @description Current data size in bytes.
             * @example 7340032
             */
            size?: number;
            /**
             * @description The instance's lifecycle state. The orcs swagger lists lower-case values, but the orcs wire (Jackson
             *     serialising the generated Java enum by name, and mongo-dsb) carries UPPER case. We emit upper case;
             *     clients must parse case-insensitively (lower case comes from brokers built from the swagger). Anything
             *     other than CREATING or RUNNING during creation is a failure for the Site.
             * @example RUNNING
             * @enum {string}
             */
            state: "CREATING" | "RUNNING" | "ERROR" | "REMOVING" | "creating" | "running" | "error" | "removing";
            /** @description Extension (not in orcs): why the instance is `ERROR` (e.g. the restore failed); null otherwise. */
            stateMessage?: string | null;
            /** @description Extension (not in orcs): the copy the instance was created from, and how its data got there the last time it was loaded (by the create, or by a reset). Absent for an instance created empty. */
            restoredFrom?: {
                copyId: string;
                /**
                 * @description `full-restore`: downloaded from the CRB and replayed; `local-clone`: cut from the broker's golden copy of the same copy. Absent until loaded.
                 * @enum {string}
                 */
                path?: "full-restore" | "local-clone";
                /**
                 * Format: int64
                 * @description How long the load took
                 */
                ms?: number;
                /**
                 * Format: int64
                 * @description When it finished
                 */
                at?: number;
            };
        };
        /** @description One network endpoint of an instance. */
        bindingPort: {
            /** @example tcp */
            protocol: string;
            /**
             * @description Host name or address.
             * @example pg.internal
             */
            destination: string;
            /**
             * Format: int32
             * @example 5432
             */
            port: number;
        };
        /**
         * @description Create an instance (body of `createServiceInstance`).
         * @example {
         *       "instanceId": "orders-db-3f2a9c1e-8d4b-4b7a-9f0e-2c1d5e6f7a8b",
         *       "namespaces": [
         *         "default"
         *       ],
         *       "instanceSettings": {
         *         "plan": "standard"
         *       },
         *       "restoreInfo": {
         *         "copyId": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
         *         "copyRepoProtocol": "shpanRest",
         *         "copyRepoProtocolVersion": "1.0",
         *         "copyRepoCredentials": {
         *           "url": "http://crb:8080/crb",
         *           "repoId": "default"
         *         },
         *         "copyType": "shpanCopy"
         *       }
         *     }
         */
        createServiceInstance: {
            instanceId: components["schemas"]["instanceId"];
            /** @description Spaces of the application services that use the instance. */
            namespaces?: string[] | null;
            /** @description `plan` (a plan id) plus the plan's `dsbSettings` and the application's settings. */
            instanceSettings: {
                [key: string]: string;
            };
            restoreInfo?: components["schemas"]["dsbRestoreCopyInfo"];
        };
        /** @description The copy to load into a new instance; absent or null for an empty instance. */
        dsbRestoreCopyInfo: {
            /**
             * @description The CRB copy id.
             * @example 7c9e6679-7425-40de-944b-e07fc1f90ae7
             */
            copyId?: string;
            /**
             * @description `shpanRest` (case-insensitive).
             * @example shpanRest
             */
            copyRepoProtocol?: string;
            /** @example 1.0 */
            copyRepoProtocolVersion?: string | null;
            copyRepoCredentials?: components["schemas"]["copyRepoCredentials"];
            /**
             * @description The facility the copy was taken with.
             * @example shpanCopy
             */
            copyType?: string | null;
        } | null;
        /**
         * @description Where the copy lives, for `shpanRest`: `url` is the CRB's registered URL (its `/crb` prefix for ours) and
         *     `repoId` a repository of that CRB. A missing `url` or `repoId` is a 400.
         */
        copyRepoCredentials: ({
            /** @example http://crb:8080/crb */
            url?: string;
            /** @example default */
            repoId?: string;
        } & {
            [key: string]: string;
        }) | null;
        /**
         * @description Take a copy (body of `copyServiceInstance`).
         * @example {
         *       "copyId": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
         *       "copyRepoProtocol": "shpanRest",
         *       "copyRepoProtocolVersion": "1.0",
         *       "copyRepoCredentials": {
         *         "url": "http://crb:8080/crb",
         *         "repoId": "default"
         *       },
         *       "copyType": "shpanCopy",
         *       "copyTime": 1700000000000
         *     }
         */
        copyServiceInstance: {
            /**
             * @description The CRB copy id to store the copy under (a UUID from the Site).
             * @example 7c9e6679-7425-40de-944b-e07fc1f90ae7
             */
            copyId: string;
            /**
             * @description `shpanRest` (case-insensitive).
             * @example shpanRest
             */
            copyRepoProtocol?: string | null;
            /** @example 1.0 */
            copyRepoProtocolVersion?: string | null;
            copyRepoCredentials?: components["schemas"]["copyRepoCredentials"];
            /**
             * @description The facility (the orcs Site sends `shpanCopy`).
             * @example shpanCopy
             */
            copyType?: string | null;
            /**
             * Format: int64
             * @description When the application copy was taken, epoch milliseconds.
             * @example 1700000000000
             */
            copyTime?: number | null;
        };
        /**
         * @description The outcome of a copy.
         * @example {
         *       "status": 0,
         *       "statusMessage": "copy stored",
         *       "copyId": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
         *       "size": 1048576,
         *       "checksum": "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
         *     }
         */
        copyServiceInstanceResponse: {
            /**
             * Format: int32
             * @description 0 means success; any other value is a failure.
             * @example 0
             */
            status?: number;
            /** @example copy stored */
            statusMessage?: string;
            /** @example 7c9e6679-7425-40de-944b-e07fc1f90ae7 */
            copyId?: string;
            /**
             * Format: int64
             * @description Extension (not in orcs): bytes streamed to the CRB.
             * @example 1048576
             */
            size?: number;
            /**
             * @description Extension (not in orcs): digest of the copy, `sha256:<64 lower-case hex digits>` as the CRB announced it (checked by the broker with the CRC-32 or SHA-256 it computed while streaming); from a CRB that announces none, the broker's own digest: `crc32:<8 hex digits>` or `sha256:…`.
             * @example sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
             */
            checksum?: string;
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
        /** @description The request is malformed or has invalid values (unknown plan, bad settings, unsupported copy protocol, ...). */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "code": 400,
                 *       "message": "unsupported copy protocol 'nfs' 4.1; supported: shpanRest 1.0",
                 *       "reason": "bad_request"
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description No service instance has that id. */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "code": 404,
                 *       "message": "service instance 'db1' not found",
                 *       "reason": "not_found"
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The request conflicts with the instance's state (the id already exists, or the instance is not `RUNNING`). */
        Conflict: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "code": 409,
                 *       "message": "service instance 'db1' already exists",
                 *       "reason": "conflict"
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The CRB refused the copy stream or could not be reached; `message` quotes its status and message (reason `bad_gateway`). */
        BadGateway: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "code": 502,
                 *       "message": "CRB answered 507 to POST .../copies/c1/data: no space left",
                 *       "reason": "bad_gateway"
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The backing data service server (e.g. the Postgres server the broker manages) cannot be reached; retry later. */
        Unavailable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "code": 503,
                 *       "message": "postgres server db:5432 unreachable",
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
                 *       "message": "pg_dump exited with code 1",
                 *       "reason": "internal"
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
    };
    parameters: {
        /** @description The service instance id (see `createServiceInstance.instanceId` for the allowed characters). */
        instanceId: components["schemas"]["instanceId"];
    };
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getDSBInfo: {
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
                    "application/json": components["schemas"]["dsbInfo"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            default: components["responses"]["Internal"];
        };
    };
    getDSBIcon: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The icon image. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "image/svg+xml": string;
                    "image/png": string;
                };
            };
            /** @description The broker has no icon. */
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
    getServiceInstances: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The instances. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example [
                     *       {
                     *         "instanceId": "orders-db-3f2a9c1e-8d4b-4b7a-9f0e-2c1d5e6f7a8b"
                     *       }
                     *     ]
                     */
                    "application/json": components["schemas"]["serviceInstance"][];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            default: components["responses"]["Internal"];
        };
    };
    createServiceInstance: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["createServiceInstance"];
            };
        };
        responses: {
            /** @description Accepted; the instance exists and is `CREATING` (or already `RUNNING`). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["serviceInstance"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["Conflict"];
            503: components["responses"]["Unavailable"];
            default: components["responses"]["Internal"];
        };
    };
    getServiceInstance: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The service instance id (see `createServiceInstance.instanceId` for the allowed characters). */
                instanceId: components["parameters"]["instanceId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The instance. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["serviceInstanceDetails"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Internal"];
        };
    };
    deleteServiceInstance: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The service instance id (see `createServiceInstance.instanceId` for the allowed characters). */
                instanceId: components["parameters"]["instanceId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Removal started (or done). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["serviceInstance"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
            default: components["responses"]["Internal"];
        };
    };
    copyServiceInstance: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The service instance id (see `createServiceInstance.instanceId` for the allowed characters). */
                instanceId: components["parameters"]["instanceId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["copyServiceInstance"];
            };
        };
        responses: {
            /** @description The copy is stored in the CRB. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["copyServiceInstanceResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["Unavailable"];
            default: components["responses"]["Internal"];
        };
    };
    resetServiceInstance: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The service instance id (see `createServiceInstance.instanceId` for the allowed characters). */
                instanceId: components["parameters"]["instanceId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The reset started. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["serviceInstance"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            503: components["responses"]["Unavailable"];
            default: components["responses"]["Internal"];
        };
    };
}
